'use client';
// "Refresh now" for workspace admins: asks the server to refresh the views (the server checks the
// membership and holds the refresh secret), shows the outcome, then reloads the page's data.
import { useState } from 'react';
import { useSWRConfig } from 'swr';

type Outcome = { kind: 'idle' } | { kind: 'running' } | { kind: 'done'; text: string } | { kind: 'failed'; text: string };

export function RefreshButton({ workspaceId }: { workspaceId: string }) {
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const { mutate } = useSWRConfig();

  async function refresh() {
    setOutcome({ kind: 'running' });
    try {
      const response = await fetch(`/api/dashboard/refresh?${new URLSearchParams({ workspace_id: workspaceId })}`, { method: 'POST' });
      const body: unknown = await response.json().catch(() => null);
      if (response.ok && body && typeof body === 'object' && 'duration_ms' in body && typeof body.duration_ms === 'number') {
        setOutcome({ kind: 'done', text: `Views refreshed in ${(body.duration_ms / 1000).toFixed(1)} s.` });
        await mutate(() => true);
        return;
      }
      const message = body && typeof body === 'object' && 'error' in body && typeof body.error === 'string' ? body.error : `Refresh failed (${response.status}).`;
      setOutcome({ kind: 'failed', text: message });
    } catch {
      setOutcome({ kind: 'failed', text: 'The server could not be reached.' });
    }
  }

  return (
    <div className="refresh-now">
      <button type="button" onClick={() => void refresh()} disabled={outcome.kind === 'running'} data-testid="refresh-now">
        {outcome.kind === 'running' ? 'Refreshing…' : 'Refresh now'}
      </button>
      {outcome.kind === 'done' || outcome.kind === 'failed' ? (
        <span role="status" className={outcome.kind === 'failed' ? 'refresh-failed' : 'muted'} data-testid="refresh-outcome" data-outcome={outcome.kind}>
          {outcome.text}
        </span>
      ) : null}
    </div>
  );
}
