// Grows the benchmark's tables to a target size with the deterministic demo-data generator.
import type pg from 'pg';
import { seedDemoData } from '../demo-data';
import { round } from './stats';

export interface Seeded {
  /** email_events rows after growing (more than asked when the database already held more). */
  events: number;
  llmCalls: number;
  /** Seconds spent adding rows in this step (0 when nothing was added). */
  seconds: number;
}

/**
 * Adds demo events until email_events holds `events` rows. Each step gets its own seed, so rows
 * added by a later step of --scale are new rows, not copies of the earlier ones.
 */
export async function growTo(client: pg.ClientBase, events: number, options: {
  step: number; workspacePrefix?: string; onProgress?: (eventsNow: number, target: number) => void; warn?: (line: string) => void;
}): Promise<Seeded> {
  const count = async (table: 'email_events' | 'llm_usage') =>
    Number((await client.query(`select count(*)::bigint as n from public.${table}`)).rows[0].n);
  const have = await count('email_events');
  if (have >= events) {
    if (have > events) options.warn?.(`the database already holds ${have.toLocaleString('en-US')} events (asked for ${events.toLocaleString('en-US')}); measuring at ${have.toLocaleString('en-US')}`);
    return { events: have, llmCalls: await count('llm_usage'), seconds: 0 };
  }
  const started = Date.now();
  await seedDemoData(client, {
    events: events - have, seed: 1000 + options.step + have, days: 365, workspacePrefix: options.workspacePrefix,
    onProgress: (written) => options.onProgress?.(have + written, events),
  });
  // A table that has been live for a while is vacuumed; without this, autovacuum of the new rows
  // would run in the middle of the measurements on a 2-core machine.
  await client.query('vacuum (analyze) public.email_events, public.llm_usage');
  return { events, llmCalls: await count('llm_usage'), seconds: round((Date.now() - started) / 1000, 1) };
}
