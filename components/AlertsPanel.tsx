'use client';
// The workspace's alerts: its channels (disabled ones say why) and rules with their state and
// history; admins add, edit and delete them and send a test notification. The changes come in as
// props (lib/swr/use-alerts.ts); this draws and asks.
import { useState } from 'react';
import type { AlertsResponse } from '@/lib/alerts/schema';
import type { AlertActions } from '@/lib/swr/use-alerts';
import { AlertChannelForm } from './AlertChannelForm';
import { AlertRuleForm } from './AlertRuleForm';
import { AlertRuleRow } from './AlertRuleRow';

export function AlertsPanel({ alerts, error, admin, campaigns, actions }: {
  alerts: AlertsResponse | undefined; error?: string; admin: boolean; campaigns: string[]; actions: AlertActions;
}) {
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const [addingChannel, setAddingChannel] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const channels = alerts?.channels ?? [];
  const nameOf = (id: string) => {
    const channel = channels.find((c) => c.id === id);
    return channel ? channel.name || channel.kind : 'a removed channel';
  };
  const report = (result: { ok: boolean; message?: string }, done: string) => setNotice(result.ok ? done : result.message ?? 'The change failed.');

  return (
    <section className="card card-wide" id="alerts" aria-labelledby="alerts-title" data-testid="alerts-panel">
      <header className="card-header card-header-actions">
        <div>
          <h2 id="alerts-title">Alerts</h2>
          <p className="card-subtitle">Evaluated after every refresh of the views; one notification when a rule fires and one when it resolves</p>
        </div>
        {admin ? (
          <div className="alert-actions">
            <button type="button" onClick={() => setAddingChannel(true)} data-testid="alert-channel-add">Add channel</button>
            <button type="button" onClick={() => setEditing('new')} disabled={channels.length === 0} data-testid="alert-rule-add">Add rule</button>
          </div>
        ) : null}
      </header>
      {error ? <p className="muted">The alerts could not be loaded: {error}</p> : null}
      {notice ? <p role="status" className="muted" data-testid="alerts-notice">{notice}</p> : null}
      {addingChannel ? (
        <AlertChannelForm onDone={() => setAddingChannel(false)} onAdd={async (input) => {
          const result = await actions.addChannel(input);
          return result.ok ? { secret: result.body.secret } : result.message;
        }} />
      ) : null}
      {editing === 'new' ? (
        <AlertRuleForm channels={channels} campaigns={campaigns} onCancel={() => setEditing(null)} onSave={async (rule) => {
          const result = await actions.saveRule(rule);
          if (result.ok) setEditing(null);
          return result.ok ? null : result.message;
        }} />
      ) : null}
      <h3 className="alert-subhead">Channels</h3>
      {channels.length === 0 ? <p className="muted">No channel yet{admin ? ': add a webhook or a Slack incoming webhook first.' : '.'}</p> : (
        <ul className="alert-channels">
          {channels.map((channel) => (
            <li key={channel.id} data-testid="alert-channel" data-disabled={channel.disabled_at ? 'true' : 'false'}>
              <strong>{channel.name || channel.kind}</strong> <span className="muted">{channel.kind}{channel.url_hint ? ` · ${channel.url_hint}` : ''}</span>
              {channel.disabled_at ? <span className="refresh-failed" data-testid="alert-channel-disabled"> Disabled: {channel.disabled_reason}</span> : null}
              {admin ? (
                <>
                  {channel.disabled_at ? <button type="button" className="link-button" onClick={async () => report(await actions.enableChannel(channel.id), 'Channel enabled.')}>enable</button> : null}
                  <button type="button" className="link-button" data-testid="alert-channel-test" onClick={async () => {
                    const result = await actions.testChannel(channel.id);
                    setNotice(!result.ok ? result.message : result.body.delivery.sent > 0 ? 'Test notification delivered.' : 'The test notification was not accepted; it will be retried (see the channel).');
                  }}>send a test notification</button>
                  <button type="button" className="link-button" onClick={async () => report(await actions.removeChannel(channel.id), 'Channel removed.')}>delete</button>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <h3 className="alert-subhead">Rules</h3>
      {alerts && alerts.rules.length === 0 ? <p className="muted">No rule yet.</p> : null}
      <ul className="alert-rules">
        {alerts?.rules.map((rule) => editing === rule.id ? (
          <li key={rule.id}>
            <AlertRuleForm rule={rule} channels={channels} campaigns={campaigns} onCancel={() => setEditing(null)} onSave={async (changed) => {
              const result = await actions.saveRule(changed, rule.id);
              if (result.ok) setEditing(null);
              return result.ok ? null : result.message;
            }} />
          </li>
        ) : (
          <AlertRuleRow key={rule.id} rule={rule} channelName={nameOf(rule.channel_id)}
            onEdit={admin ? () => setEditing(rule.id) : undefined}
            onRemove={admin ? async () => report(await actions.removeRule(rule.id), 'Rule removed.') : undefined} />
        ))}
      </ul>
    </section>
  );
}
