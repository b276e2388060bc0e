// `npm run test:citus`: the same integration tests against a Citus coordinator. CITUS_DATABASE_URL
// when set (a database with the citus extension and its workers registered), else, on a machine
// that allows it (root, ../shared/citus present), a local coordinator and two workers started here
// in a temporary directory and stopped afterwards. Migrations are applied with the Supabase CLI, as
// in production; they distribute the tables because the database has Citus.
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startLocalCitus, type LocalCitus } from '../../scripts/lib/citus';
import { applyMigrations } from '../../scripts/lib/migrate';
import { grantLikeSupabase } from './global-setup';

let cluster: LocalCitus | undefined;

export default async function setup(project: TestProject) {
  let url = process.env.CITUS_DATABASE_URL;
  if (!url) {
    cluster = await startLocalCitus({ workers: 2, log: (line) => console.log(line) });
    url = cluster.url;
  }
  try {
    await prepare(url);
    await grantLikeSupabase(url);
    await applyMigrations(url);
  } catch (error) {
    await cluster?.stop();
    throw error;
  }
  project.provide('databaseUrl', url);
  return async () => {
    await cluster?.stop();
  };
}

/** Checks the database is a Citus coordinator with workers, and gives every node a far-from-UTC TimeZone. */
async function prepare(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: [citus] } = await client.query(`select extversion from pg_extension where extname = 'citus'`);
    if (!citus) throw new Error('CITUS_DATABASE_URL names a database without the citus extension: create extension citus first');
    const { rows: [nodes] } = await client.query(`select count(*)::int as workers from pg_dist_node where noderole = 'primary' and shouldhaveshards and isactive`);
    if (nodes.workers < 1) throw new Error('the Citus coordinator has no worker with shards: add workers with citus_add_node()');
    // As in npm test: day bucketing that followed a session's TimeZone instead of UTC would show. On
    // every node, since each runs its part of every statement with its own sessions.
    await client.query(`select run_command_on_all_nodes(format('alter database %I set timezone = %L', current_database(), 'Pacific/Chatham'))`);
    // Citus connects to the nodes (the coordinator too, for its own placements) as the current user,
    // so a role that reads distributed tables must be able to log in. Supabase's service_role is
    // NOLOGIN; the tests, like a server that does SET ROLE service_role, need it to log in.
    await client.query(`select run_command_on_all_nodes('alter role service_role login')`);
  } finally {
    await client.end();
  }
}
