// The Citus side of `npm run bench -- --citus`: a coordinator (CITUS_DATABASE_URL, or a local
// coordinator and two workers started for the run on free ports and stopped after it), and the copy
// of the single node's rows onto it, so both hold the very same events.
import pg from 'pg';
import { startLocalCitus } from '../citus';
import { applyMigrations, assertMigrated } from '../migrate';
import { databaseName, isLocalDatabase, YES_FLAG } from '../target-guard';
import { UsageError } from '../usage-error';
import { withClient } from './database';

export interface BenchCluster {
  url: string;
  /** 'local' (started for this run) or 'CITUS_DATABASE_URL', for the results file. */
  kind: 'local' | 'CITUS_DATABASE_URL';
  close: () => Promise<void>;
}

export async function openBenchCluster(options: { reset: boolean; yes: boolean; log: (line: string) => void }): Promise<BenchCluster> {
  const external = process.env.CITUS_DATABASE_URL;
  if (!external) {
    const cluster = await startLocalCitus({ workers: 2, database: 'bench', log: options.log });
    try {
      await applyMigrations(cluster.url);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return { url: cluster.url, kind: 'local', close: cluster.stop };
  }
  if (!options.yes && !isLocalDatabase(external)) {
    throw new UsageError(`Refusing to fill ${databaseName(external)} with benchmark data: CITUS_DATABASE_URL names a database that is not on this machine. If that is really the cluster you mean, run the command again with ${YES_FLAG}.`);
  }
  await withClient(external, async (client) => {
    const { rows: [citus] } = await client.query(`select extversion from pg_extension where extname = 'citus'`);
    if (!citus) throw new Error(`CITUS_DATABASE_URL (${databaseName(external)}) has no citus extension`);
  });
  await assertMigrated(external, `CITUS_DATABASE_URL (${databaseName(external)})`);
  await withClient(external, async (client) => {
    if (options.reset) {
      options.log('--reset: emptying email_events and llm_usage in CITUS_DATABASE_URL');
      await client.query('truncate public.email_events, public.llm_usage');
      await client.query('select public.refresh_dashboard_views()');
    } else if ((await client.query('select exists (select 1 from public.email_events) as held')).rows[0].held) {
      // The cluster gets a copy of the single node's rows: rows already there would make them differ.
      throw new UsageError('CITUS_DATABASE_URL already holds events: add --reset to empty it (the run copies the single node\'s rows onto it)');
    }
  });
  return { url: external, kind: 'CITUS_DATABASE_URL', close: async () => {} };
}

/** The engine behind a coordinator URL, for the results file and the report. */
export async function clusterVersions(client: pg.ClientBase): Promise<{ postgres: string; citus: string; workers: number }> {
  const { rows: [row] } = await client.query(`
    select current_setting('server_version') as postgres,
           (select extversion from pg_extension where extname = 'citus') as citus,
           (select count(*)::int from pg_dist_node where noderole = 'primary' and shouldhaveshards and isactive
              and nodeport <> inet_server_port()) as workers`);
  return { postgres: String(row.postgres), citus: String(row.citus), workers: Number(row.workers) };
}

// Timestamps travel as UTC text with microseconds (a JS Date would drop them), money as numeric text.
const TABLES = {
  email_events: {
    select: `workspace_id, campaign_name, contact_email, event_type, email_number,
             to_char(event_ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as event_ts, metadata::text as metadata`,
    insert: `insert into public.email_events (workspace_id, campaign_name, contact_email, event_type, email_number, event_ts, metadata)
             select w, c, e, t, n, ts, m::jsonb
             from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::smallint[], $6::timestamptz[], $7::text[]) as r(w, c, e, t, n, ts, m)`,
    columns: ['workspace_id', 'campaign_name', 'contact_email', 'event_type', 'email_number', 'event_ts', 'metadata'],
  },
  llm_usage: {
    select: `workspace_id, campaign_name, provider, model, tokens_in, tokens_out, cost_usd::text as cost_usd, purpose,
             to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at`,
    insert: `insert into public.llm_usage (workspace_id, campaign_name, provider, model, tokens_in, tokens_out, cost_usd, purpose, created_at)
             select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::numeric[], $8::text[], $9::timestamptz[])`,
    columns: ['workspace_id', 'campaign_name', 'provider', 'model', 'tokens_in', 'tokens_out', 'cost_usd', 'purpose', 'created_at'],
  },
} as const;

const BATCH = 20_000;

/**
 * Copies the raw rows (and zones) of workspaces starting with `prefix` from one database to the other, in
 * batches through this process. The generator stamps rows against now() and stops at its size,
 * so seeding each database separately would give them slightly different rows; a copy gives the
 * same ones, and the cluster's dashboard answers can be compared with the single node's.
 */
export async function copyRawRows(from: pg.ClientBase, to: pg.ClientBase, prefix: string, onProgress: (events: number) => void): Promise<{ events: number; llmCalls: number }> {
  const { rows: [held] } = await to.query(`select (select count(*) from public.email_events where starts_with(workspace_id, $1))
    + (select count(*) from public.llm_usage where starts_with(workspace_id, $1)) as n`, [prefix]);
  if (Number(held.n) > 0) throw new UsageError('the Citus database already holds benchmark rows: add --reset to empty it');
  const copied = { email_events: 0, llm_usage: 0 };
  for (const table of ['email_events', 'llm_usage'] as const) {
    const spec = TABLES[table];
    await from.query('begin');
    try {
      await from.query(`declare raw_rows no scroll cursor for select ${spec.select} from public.${table} where starts_with(workspace_id, ${pgLiteral(prefix)})`);
      for (;;) {
        const { rows } = await from.query(`fetch ${BATCH} from raw_rows`);
        if (rows.length === 0) break;
        await to.query(spec.insert, spec.columns.map((column) => rows.map((row) => row[column])));
        copied[table] += rows.length;
        if (table === 'email_events') onProgress(copied.email_events);
      }
    } finally {
      await from.query('rollback');
    }
  }
  // The workspaces' zones: the same rows cut into days in another zone would give other answers.
  const { rows: settings } = await from.query('select workspace_id, time_zone from public.workspace_settings where starts_with(workspace_id, $1)', [prefix]);
  await to.query(`insert into public.workspace_settings (workspace_id, time_zone) select * from unnest($1::text[], $2::text[])
    on conflict (workspace_id) do update set time_zone = excluded.time_zone`,
    [settings.map((row) => row.workspace_id), settings.map((row) => row.time_zone)]);
  await to.query('vacuum (analyze) public.email_events, public.llm_usage');
  return { events: copied.email_events, llmCalls: copied.llm_usage };
}

/** DECLARE takes no parameters: the prefix as a quoted literal. */
function pgLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
