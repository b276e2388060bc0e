// Alerts test helpers: channels and rules made through the same SQL entry point the CLI uses, the
// outbox as the database holds it, and clean-up so one test's rules never fire in another's.
import type pg from 'pg';
import { newSigningSecret } from '../../lib/alerts/manage';
import type { RuleInput } from '../../lib/alerts/schema';
import type { Receiver } from './webhook-receiver';

export async function change(client: pg.ClientBase, workspace: string, action: string, target: string | null, body: Record<string, unknown> = {}) {
  const { rows } = await client.query('select public.alerts_change($1, $2, $3, $4) as value', [workspace, action, target, JSON.stringify(body)]);
  return rows[0].value as Record<string, unknown> & { error?: string };
}

/** A webhook channel to the receiver (whose secret is set to verify it), or a Slack one. */
export async function addChannel(client: pg.ClientBase, workspace: string, receiver: Receiver, kind: 'webhook' | 'slack' = 'webhook', path = '/hook'): Promise<string> {
  const secret = kind === 'webhook' ? newSigningSecret() : null;
  const value = await change(client, workspace, 'channel_add', null, { kind, url: receiver.url(path), secret });
  if (secret) receiver.setSecret(secret);
  return (value.channel as { id: string }).id;
}

export async function addRule(client: pg.ClientBase, workspace: string, rule: Partial<RuleInput> & Pick<RuleInput, 'metric' | 'threshold' | 'channel_id'>): Promise<string> {
  const value = await change(client, workspace, 'rule_add', null, { direction: 'above', ...rule });
  if (!value.rule) throw new Error(`rule refused: ${JSON.stringify(value)}`);
  return (value.rule as { id: string }).id;
}

export interface EvaluationResult { status: string; evaluated: number; fired: number; resolved: number; rearmed: number }

export async function evaluate(client: pg.ClientBase, now?: string, scope = 'all'): Promise<EvaluationResult> {
  const { rows } = await client.query('select public.alerts_evaluate($1, $2) as value', [scope, now ?? null]);
  return rows[0].value as EvaluationResult;
}

export interface OutboxRow {
  id: string; rule_id: string | null; event_type: string; status: string; attempts: number; message_id: string;
  payload: Record<string, unknown>; next_attempt_at: Date; last_http_status: number | null; last_error: string | null;
}

export async function outbox(client: pg.ClientBase, workspace: string): Promise<OutboxRow[]> {
  const { rows } = await client.query<OutboxRow>('select * from public.alert_outbox where workspace_id = $1 order by id', [workspace]);
  return rows;
}

/** As if the backoff had passed: the workspace's pending notifications are due now. */
export async function makeDue(client: pg.ClientBase, workspace: string): Promise<void> {
  await client.query(`update public.alert_outbox set next_attempt_at = now() where workspace_id = $1 and status = 'pending'`, [workspace]);
}

/** Removes a workspace's rules, channels and outbox ('' for the operators'). */
export async function removeAlerts(client: pg.ClientBase, workspace: string): Promise<void> {
  await client.query('delete from public.alert_rules where workspace_id = $1', [workspace]);
  await client.query('delete from public.alert_channels where workspace_id = $1', [workspace]);
}
