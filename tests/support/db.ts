// Test data helpers: a connection to the test database, unique workspaces, small factories for the
// raw tables, and a refresh that waits its turn.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export type EventType = 'sent' | 'opened' | 'clicked' | 'replied' | 'bounced' | 'opted_out';

export interface EmailEventInput {
  workspace_id: string;
  campaign_name?: string;
  contact_email?: string;
  event_type?: EventType;
  email_number?: number | null;
  /** ISO timestamp with offset, e.g. '2025-11-03T23:59:59Z'. */
  event_ts: string;
}

export interface LlmUsageInput {
  workspace_id: string;
  campaign_name?: string | null;
  provider?: string;
  model?: string;
  tokens_in?: number;
  tokens_out?: number;
  cost_usd?: number | string;
  created_at: string;
}

export function databaseUrl(): string {
  return inject('databaseUrl');
}

/** A new client; the caller ends it. */
export async function connect(options: { timezone?: string } = {}): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  if (options.timezone) await client.query(`select set_config('TimeZone', $1, false)`, [options.timezone]);
  return client;
}

/** A workspace id no other test uses, so tests can share one database. */
export function uniqueWorkspace(label = 'ws'): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

export async function insertEvents(client: pg.ClientBase, events: EmailEventInput[]): Promise<void> {
  if (events.length === 0) return;
  await client.query(
    `insert into public.email_events (workspace_id, campaign_name, contact_email, event_type, email_number, event_ts)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::smallint[], $6::timestamptz[])`,
    [
      events.map((e) => e.workspace_id),
      events.map((e) => e.campaign_name ?? 'Campaign A'),
      events.map((e) => e.contact_email ?? 'someone@example.com'),
      events.map((e) => e.event_type ?? 'sent'),
      events.map((e) => (e.email_number === undefined ? 1 : e.email_number)),
      events.map((e) => e.event_ts),
    ],
  );
}

export async function insertLlmUsage(client: pg.ClientBase, rows: LlmUsageInput[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `insert into public.llm_usage (workspace_id, campaign_name, provider, model, tokens_in, tokens_out, cost_usd, created_at)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::numeric[], $8::timestamptz[])`,
    [
      rows.map((r) => r.workspace_id),
      rows.map((r) => (r.campaign_name === undefined ? 'Campaign A' : r.campaign_name)),
      rows.map((r) => r.provider ?? 'openai'),
      rows.map((r) => r.model ?? 'gpt-4o-mini'),
      rows.map((r) => r.tokens_in ?? 100),
      rows.map((r) => r.tokens_out ?? 20),
      rows.map((r) => String(r.cost_usd ?? '0.001')),
      rows.map((r) => r.created_at),
    ],
  );
}

/** Runs refresh_dashboard_views() until it refreshes (another test's refresh may hold the lock). */
export async function refreshViewsNow(client: pg.ClientBase): Promise<{ status: string; views: Array<{ view_name: string; duration_ms: number }> }> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const { rows } = await client.query('select public.refresh_dashboard_views() as result');
    if (rows[0].result.status === 'refreshed') return rows[0].result;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('refresh_dashboard_views() stayed skipped for 60 s');
}
