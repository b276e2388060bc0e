'use client';
// The zone a workspace's days are cut in, said beside the range; for its admins, a way to change it: a
// searchable list of every zone with the time there now. The change is saved by the server (admins
// only); live answers follow at once, the views at the next refresh.
import { useId, useState } from 'react';
import { useSWRConfig } from 'swr';

interface Zone {
  name: string;
  utc_offset_minutes: number;
}

type State =
  | { kind: 'closed' }
  | { kind: 'loading' }
  | { kind: 'open'; zones: Zone[]; value: string; error?: string }
  | { kind: 'saving'; zones: Zone[]; value: string };

/** "14:05" in a zone `offset` minutes from UTC, at `now`. */
export function clockAt(offsetMinutes: number, now: Date): string {
  const at = new Date(now.getTime() + offsetMinutes * 60_000);
  return `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
}

function errorOf(body: unknown, status: number): string {
  return body && typeof body === 'object' && 'error' in body && typeof body.error === 'string' ? body.error : `The change failed (${status}).`;
}

export function TimeZoneSetting({ workspaceId, timeZone, admin }: { workspaceId: string; timeZone: string; admin: boolean }) {
  const [state, setState] = useState<State>({ kind: 'closed' });
  const [saved, setSaved] = useState<string | null>(null);
  const { mutate } = useSWRConfig();
  const listId = useId();

  async function open() {
    setState({ kind: 'loading' });
    const response = await fetch('/api/dashboard/time-zones').catch(() => null);
    const body: unknown = await response?.json().catch(() => null);
    if (response?.ok && body && typeof body === 'object' && 'time_zones' in body && Array.isArray(body.time_zones)) {
      setState({ kind: 'open', zones: body.time_zones as Zone[], value: '' });
    } else {
      setState({ kind: 'open', zones: [], value: '', error: response ? errorOf(body, response.status) : 'The server could not be reached.' });
    }
  }

  async function save(zones: Zone[], value: string) {
    setState({ kind: 'saving', zones, value });
    const response = await fetch(`/api/dashboard/time-zone?${new URLSearchParams({ workspace_id: workspaceId })}`, {
      method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ time_zone: value }),
    }).catch(() => null);
    const body: unknown = await response?.json().catch(() => null);
    if (!response?.ok) {
      setState({ kind: 'open', zones, value, error: response ? errorOf(body, response.status) : 'The server could not be reached.' });
      return;
    }
    setState({ kind: 'closed' });
    setSaved(value);
    await mutate(() => true);
  }

  const now = new Date();
  return (
    <span className="time-zone" data-testid="time-zone">
      <span data-testid="time-zone-name">{timeZone}</span>
      {admin && state.kind === 'closed' ? (
        <button type="button" className="link-button" onClick={() => void open()} data-testid="time-zone-change">change</button>
      ) : null}
      {state.kind === 'loading' ? <span className="muted"> loading zones…</span> : null}
      {state.kind === 'open' || state.kind === 'saving' ? (
        <form className="time-zone-form" onSubmit={(event) => {
          event.preventDefault();
          void save(state.zones, state.value);
        }}>
          <label>
            <span className="visually-hidden">Time zone of {workspaceId}</span>
            <input list={listId} value={state.value} placeholder="Search a zone, e.g. Kolkata" autoFocus required
              data-testid="time-zone-input" disabled={state.kind === 'saving'}
              onChange={(event) => setState({ ...state, kind: 'open', value: event.target.value, error: undefined })} />
          </label>
          <datalist id={listId}>
            {state.zones.map((zone) => <option key={zone.name} value={zone.name} label={`${zone.name} · ${clockAt(zone.utc_offset_minutes, now)} now`} />)}
          </datalist>
          <button type="submit" disabled={state.kind === 'saving' || state.value === ''} data-testid="time-zone-save">
            {state.kind === 'saving' ? 'Saving…' : 'Save'}
          </button>
          <button type="button" className="link-button" onClick={() => setState({ kind: 'closed' })}>cancel</button>
          {state.kind === 'open' && state.error ? <span role="alert" className="refresh-failed" data-testid="time-zone-error">{state.error}</span> : null}
        </form>
      ) : null}
      {saved && state.kind === 'closed' ? (
        <span role="status" className="muted" data-testid="time-zone-saved"> Days are now cut in {saved}; the views follow at the next refresh.</span>
      ) : null}
    </span>
  );
}
