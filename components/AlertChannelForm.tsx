'use client';
// A new channel: a Standard Webhooks endpoint or a Slack incoming webhook. A webhook's signing secret
// is shown once, here, right after it is made.
import { useState } from 'react';
import type { ChannelInput } from '@/lib/alerts/schema';

export function AlertChannelForm({ onAdd, onDone }: {
  onAdd: (input: ChannelInput) => Promise<{ secret: string | null } | string>; onDone: () => void;
}) {
  const [input, setInput] = useState<ChannelInput>({ kind: 'webhook', url: '', name: '' });
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  if (secret) {
    return (
      <div className="alert-secret" role="status" data-testid="alert-channel-secret">
        <p>Signing secret of the new webhook, shown this once: give it to the receiver to verify the <code>webhook-signature</code> header.</p>
        <code data-testid="alert-channel-secret-value">{secret}</code>
        <button type="button" onClick={onDone}>Done</button>
      </div>
    );
  }
  return (
    <form className="alert-form" data-testid="alert-channel-form" onSubmit={async (event) => {
      event.preventDefault();
      const made = await onAdd({ ...input, name: input.name?.trim() || undefined });
      if (typeof made === 'string') setError(made);
      else if (made.secret) setSecret(made.secret);
      else onDone();
    }}>
      <label>Kind
        <select value={input.kind} data-testid="alert-channel-kind" onChange={(e) => setInput({ ...input, kind: e.target.value as ChannelInput['kind'] })}>
          <option value="webhook">Webhook (signed)</option><option value="slack">Slack incoming webhook</option>
        </select>
      </label>
      <label>URL<input type="url" required value={input.url} placeholder="https://" data-testid="alert-channel-url" onChange={(e) => setInput({ ...input, url: e.target.value })} /></label>
      <label>Name<input value={input.name ?? ''} placeholder="optional" onChange={(e) => setInput({ ...input, name: e.target.value })} /></label>
      <div className="alert-form-actions">
        <button type="submit" data-testid="alert-channel-save">Add channel</button>
        <button type="button" className="link-button" onClick={onDone}>cancel</button>
        {error ? <span role="alert" className="refresh-failed" data-testid="alert-channel-error">{error}</span> : null}
      </div>
    </form>
  );
}
