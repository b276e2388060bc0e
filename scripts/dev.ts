// npm run dev: the dashboard on a real database with no set-up. Without configuration it starts an
// embedded PostgreSQL under .data/, applies the migrations with the Supabase CLI, loads demo data
// once, refreshes the views and runs `next dev` against it; with DATABASE_URL (or SUPABASE_URL +
// SUPABASE_SERVICE_ROLE_KEY, e.g. in .env.local) it uses that database instead. While it runs it
// refreshes the views every few seconds (--refresh-every; the page says how often and polls as often).
// Sign-in: with Supabase Auth configured (SUPABASE_URL / SUPABASE_JWT_SECRET) it is the real one;
// otherwise the launcher signs you in as a demo user, admin of the demo workspaces, through a
// development-only route (/auth/dev-sign-in) that a production build never serves. That route hands
// an admin session to whoever asks, so the server listens on 127.0.0.1 only unless told otherwise
// (--host, which turns the dev sign-in off), and the demo memberships are written into the embedded
// database only, never into a DATABASE_URL one.
import { randomBytes, randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import nextEnv from '@next/env';
import pg from 'pg';
import { describeRefresh, refreshViews } from '../lib/admin/views';
import { deliveryOptions } from '../lib/alerts/evaluate';
import { alertsTick, describeTick } from '../lib/alerts/tick';
import { createPostgresStore } from '../lib/db/postgres';
import { askSchema } from '../lib/db/schema-check';
import { isOutOfStep, schemaMessage } from '../lib/db/schema-version';
import type { DatabaseStore } from '../lib/db/store';
import type { DeliveryOptions } from '../lib/alerts/deliver';
import { isEnvError, isLoopbackHost, parseEnv } from '../lib/env';
import { DEV_DATA_DIR, resolveDatabase, type ResolvedDatabase } from './lib/database';
import { DEMO_WORKSPACES, seedDemoData } from './lib/demo-data';
import { addMember } from './lib/members';
import { assertMigrated, PROJECT_ROOT } from './lib/migrate';
import { progress } from './lib/progress';
import { DEFAULT_REFRESH_EVERY_SECONDS, DEV_REFRESH_EVERY_SECONDS } from '../lib/freshness';

const HELP = `Usage: npm run dev -- [options]

Starts the dashboard at http://localhost:<port>, reachable from this machine only (127.0.0.1).
  no DATABASE_URL / SUPABASE_*   embedded PostgreSQL in .data/, demo data loaded on first start
  DATABASE_URL                   that Postgres (after npm run migrate; no demo data: run npm run seed)
  SUPABASE_URL + SUPABASE_SERVICE_ROLE_KEY   that Supabase project (run supabase db push first)
Variables may be set in .env.local.

Sign-in: with SUPABASE_URL or SUPABASE_JWT_SECRET set, through Supabase Auth; otherwise you are
signed in as a demo user by a development-only route (on 127.0.0.1 only; on the embedded database
it is an admin of the demo workspaces, on a DATABASE_URL one it gets no workspace: add it with
npm run members).
Add members: npm run members -- add <email-or-user-id> <workspace> [--role admin]

Options:
  --port N          port of the web server (default 3000)
  --host ADDRESS    listen on ADDRESS instead of 127.0.0.1 (0.0.0.0: every interface). Other machines
                    can then reach the server, so the dev sign-in is off; set SITE_URL to the address
                    they use
  --events N        demo events loaded on first start of the embedded database (default 200000)
  --no-seed         don't load demo data
  --refresh-every S seconds between view refreshes (default ${DEV_REFRESH_EVERY_SECONDS}; production's cron:
                    ${DEFAULT_REFRESH_EVERY_SECONDS})
  --help            show this help`;

const log = (line: string) => console.log(`[dev] ${line}`);

/** Where `next dev` listens unless --host says otherwise. */
const LOOPBACK = '127.0.0.1';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '3000' },
      host: { type: 'string', default: LOOPBACK },
      events: { type: 'string', default: '200000' },
      'no-seed': { type: 'boolean', default: false },
      'refresh-every': { type: 'string', default: String(DEV_REFRESH_EVERY_SECONDS) },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const events = Number(values.events);
  const refreshEvery = Number(values['refresh-every']);
  if (!Number.isSafeInteger(events) || events < 0) throw new Error(`--events must be a whole number (got "${values.events}")`);
  if (!Number.isSafeInteger(refreshEvery) || refreshEvery < 1) throw new Error(`--refresh-every must be a whole number of seconds, at least 1 (got "${values['refresh-every']}")`);
  const port = values.port ?? '3000';
  const host = values.host ?? LOOPBACK;
  if (!/^\d{1,5}$/.test(port)) throw new Error(`--port must be a port number (got "${port}")`);
  const onlyThisMachine = isLoopbackHost(host);

  nextEnv.loadEnvConfig(PROJECT_ROOT, true, { info: () => {}, error: console.error });
  process.env.NEXT_TELEMETRY_DISABLED = '1';

  let database: ResolvedDatabase | undefined;
  let store: DatabaseStore & { close?: () => Promise<void> };
  // Sign-in links and the same-origin check need the site's address; the launcher knows it.
  // The page says how often the views refresh, and asks again as often.
  const childEnv: Record<string, string> = { REFRESH_EVERY_SECONDS: String(refreshEvery) };
  if (!process.env.SITE_URL && !process.env.NEXT_PUBLIC_SITE_URL) {
    childEnv.SITE_URL = `http://${onlyThisMachine || host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${port}`;
  }

  // SUPABASE_URL beside DATABASE_URL (and no service role key) is Supabase Auth with direct reads.
  if ((process.env.SUPABASE_URL && !process.env.DATABASE_URL) || process.env.SUPABASE_SERVICE_ROLE_KEY) {
    const env = parseEnv();
    log(`using Supabase at ${env.SUPABASE_URL}`);
    const { createSupabaseStore } = await import('../lib/db/supabase');
    store = createSupabaseStore({ url: env.SUPABASE_URL ?? '', serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY ?? '' });
  } else {
    const embedded = !process.env.DATABASE_URL;
    log(embedded ? 'starting the embedded PostgreSQL in .data/postgres …' : 'using DATABASE_URL …');
    // The embedded database is this checkout's own and is migrated as it starts; a DATABASE_URL
    // database only by an explicit `npm run migrate`, so here it is only checked.
    database = await resolveDatabase({ log: () => {} });
    if (database.external) await assertMigrated(database.url, database.description);
    log(`database: ${database.description}; migrations ${database.external ? 'all applied' : 'applied'}`);
    if (embedded && !values['no-seed']) await seedOnce(database.url, events);
    store = createPostgresStore({ connectionString: database.url, max: 2 });
    childEnv.DATABASE_URL = database.url;
    if (!process.env.SUPABASE_URL && !process.env.SUPABASE_JWT_SECRET && process.env.DASHBOARD_AUTH !== 'off') {
      if (onlyThisMachine) Object.assign(childEnv, await devSignIn(database.url, { writeMemberships: !database.external }));
      else log(`--host ${host}: the dev sign-in is off (it would hand an admin session to anyone who can reach this port); set SUPABASE_URL for real sign-in, or DASHBOARD_AUTH=off on a private network`);
    }
    parseEnv({ ...process.env, ...childEnv });
  }
  log(process.env.DASHBOARD_AUTH === 'off'
    ? 'DASHBOARD_AUTH=off: the dashboard is open to anyone who can reach it'
    : 'add a member: npm run members -- add <email-or-user-id> <workspace> [--role admin]');

  await reportSchema(store);

  // The first refresh runs beside the web server's start-up rather than before it.
  // Alerts are delivered as under `next dev` (private addresses allowed: a receiver on this machine).
  const delivery = deliveryOptions(parseEnv({ ...process.env, ...childEnv }), { allowPrivate: true });
  void refreshAndReport(store, delivery);
  const timer = setInterval(() => void refreshAndReport(store, delivery), refreshEvery * 1000);

  log(onlyThisMachine
    ? `listening on http://127.0.0.1:${port} (only this machine can reach it; --host 0.0.0.0 opens it to the network)`
    : `listening on ${host} port ${port}: other machines can reach it (site address ${childEnv.SITE_URL ?? process.env.SITE_URL ?? process.env.NEXT_PUBLIC_SITE_URL})`);
  const next: ChildProcess = spawn(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'next'), ['dev', '-p', port, '-H', host], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...childEnv },
    stdio: 'inherit',
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    if (next.exitCode === null) next.kill('SIGTERM');
    await store.close?.();
    if (database) {
      log('stopping PostgreSQL …');
      await database.release();
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  next.on('exit', (code) => void stop(code ?? 0));
}

/** Loads demo data the first time the embedded database starts (a marker keeps it to once). */
async function seedOnce(url: string, events: number): Promise<void> {
  const marker = path.join(DEV_DATA_DIR, '..', 'demo-data-loaded');
  if (fs.existsSync(marker)) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('select exists (select 1 from public.email_events) as has_data');
    if (!rows[0].has_data) {
      log(`loading ${events.toLocaleString('en-US')} demo events (once; npm run seed adds more) …`);
      const bar = progress('email_events', events);
      const result = await seedDemoData(client, { events, seed: 42, days: 200, onProgress: (done) => bar.update(done) });
      bar.finish(`(+ ${result.llmCalls.toLocaleString('en-US')} llm_usage rows)`);
    }
    fs.writeFileSync(marker, new Date().toISOString());
  } finally {
    await client.end();
  }
}

/**
 * The dev sign-in: a demo user and an HS256 secret made once per .data directory, the user made an
 * admin of the demo workspaces of the embedded database. The secret signs only this machine's dev
 * sessions. A DATABASE_URL database is someone else's: nothing is written into it, so the demo user
 * sees only what its owner grants (npm run members).
 */
async function devSignIn(url: string, options: { writeMemberships: boolean }): Promise<Record<string, string>> {
  const file = path.join(DEV_DATA_DIR, '..', 'dev-auth.json');
  let saved: { secret: string; userId: string };
  if (fs.existsSync(file)) {
    saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { secret: string; userId: string };
  } else {
    saved = { secret: randomBytes(32).toString('hex'), userId: randomUUID() };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(saved), { mode: 0o600 });
  }
  if (options.writeMemberships) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const workspace of DEMO_WORKSPACES) await addMember(client, saved.userId, workspace, 'admin');
    } catch (error) {
      log(`could not add the demo user to the demo workspaces: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await client.end();
    }
    log(`signed in automatically as demo@example.com (user ${saved.userId}, admin of ${DEMO_WORKSPACES.join(', ')}; development only)`);
  } else {
    log(`signed in automatically as demo@example.com (user ${saved.userId}; development only). DATABASE_URL is not the embedded database: the demo user gets no workspace there; grant one with npm run members -- add ${saved.userId} <workspace>`);
  }
  return { SUPABASE_JWT_SECRET: saved.secret, DASHBOARD_DEV_SIGN_IN_USER: saved.userId };
}

/**
 * Says first whether the database's schema is the one this app expects: a Supabase project (or a
 * database migrated by another checkout) can be behind or ahead. The server starts either way and
 * answers 503 with the same message while it is out of step.
 */
async function reportSchema(store: DatabaseStore): Promise<void> {
  try {
    const verdict = await askSchema(store);
    if (isOutOfStep(verdict)) {
      log(`${schemaMessage(verdict)} Until then the dashboard and its API answer 503 with this message.`);
    } else {
      const ahead = verdict.kind === 'ahead-compatible' ? `, ahead of this app (${verdict.app}) and compatible with it` : ', as this app expects';
      log(`database schema: migration ${verdict.database?.version}${ahead}`);
    }
  } catch (error) {
    log(`could not check the database schema: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The cron's tick: the refresh, then the alerts (stale_views alone when the refresh failed or was skipped). */
async function refreshAndReport(store: DatabaseStore, delivery: DeliveryOptions): Promise<void> {
  let refreshed = false;
  try {
    const result = await refreshViews(store);
    if (result.status === 'refreshed') {
      refreshed = true;
      // Every few seconds: said only when it wrote something (a refresh with nothing to do is silent).
      if (result.buckets > 0 || result.appended_rows > 0 || result.rows_changed > 0 || result.full) log(`views refreshed: ${describeRefresh(result)}`);
    } else {
      log(`refresh skipped: ${result.reason}`);
    }
  } catch (error) {
    log(`refresh failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const tick = await alertsTick(store, refreshed, delivery);
  if (tick.evaluation?.status !== 'evaluated' || tick.evaluation.evaluated > 0) log(describeTick(tick));
}

main().catch((error: unknown) => {
  console.error(isEnvError(error) ? `\n${error.message}\n` : `[dev] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
