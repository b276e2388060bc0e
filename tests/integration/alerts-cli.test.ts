// npm run alerts, as ARCHITECTURE.md's "Alerts CLI" specifies it, against the real Postgres of the
// test run: a channel (its secret printed once), a rule, list, evaluate (which delivers), remove, and
// the exit codes 0 / 1 / 2.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/lib/migrate';
import { removeAlerts } from '../support/alerts';
import { connect, databaseUrl, insertEvents, refreshViewsNow, uniqueWorkspace } from '../support/db';
import { startReceiver, type Receiver } from '../support/webhook-receiver';

const run = promisify(execFile);
let client: pg.Client;
let receiver: Receiver;
const ws = uniqueWorkspace('alerts-cli');

async function alerts(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/alerts.ts', ...args], {
      cwd: PROJECT_ROOT, env: { ...process.env, DATABASE_URL: databaseUrl(), ALERTS_ALLOW_PRIVATE_URLS: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  client = await connect();
  receiver = await startReceiver();
});
afterAll(async () => {
  await removeAlerts(client, ws);
  await receiver.close();
  await client.end();
});

describe('npm run alerts', () => {
  it('adds a channel and a rule (--json), lists them, evaluates and delivers, and removes them', async () => {
    const channel = await alerts('channel', 'add', ws, 'webhook', receiver.url('/cli'), '--json');
    expect(channel.code).toBe(0);
    const made = JSON.parse(channel.stdout) as { id: string; secret: string };
    expect(made).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), secret: expect.stringMatching(/^whsec_/) });
    receiver.setSecret(made.secret);
    const rule = await alerts('rule', 'add', ws, 'bounce_rate', '--above', '0.1', '--window', '24h', '--min-sends', '2', '--channel', made.id, '--json');
    expect(rule.code).toBe(0);
    const { id } = JSON.parse(rule.stdout) as { id: string };

    const listed = JSON.parse((await alerts('list', ws, '--json')).stdout) as { rules: Array<{ id: string; min_sends: number; threshold: number }>; channels: Array<{ id: string }> };
    expect(listed.rules).toEqual([expect.objectContaining({ id, min_sends: 2, threshold: 0.1 })]);
    expect(listed.channels.map((c) => c.id)).toEqual([made.id]);
    expect((await alerts('list')).stdout).toContain(`rule    ${id}  ok`);

    await insertEvents(client, [
      { workspace_id: ws, contact_email: 'a@x', event_ts: new Date().toISOString() },
      { workspace_id: ws, contact_email: 'b@x', event_ts: new Date().toISOString() },
      { workspace_id: ws, contact_email: 'a@x', event_type: 'bounced', event_ts: new Date().toISOString() },
    ]);
    await refreshViewsNow(client);
    const evaluated = await alerts('evaluate');
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toMatch(/1 fired/);
    expect(receiver.accepted().map((r) => [r.verified?.type, r.verified?.rule_id])).toEqual([['alert.firing', id]]);

    expect((await alerts('remove', made.id)).code).toBe(1);
    expect(await alerts('remove', id)).toMatchObject({ code: 0, stdout: `Removed rule ${id}.\n` });
    expect((await alerts('remove', made.id)).code).toBe(0);
    expect((await alerts('remove', id)).code).toBe(1);
  });

  it('exits 2 for a usage error or a rule the database refuses, with the help', async () => {
    expect(await alerts('rule', 'add', ws, 'bounce_rate', '--above', '0.1', '--channel', '00000000-0000-4000-8000-000000000000'))
      .toMatchObject({ code: 2, stderr: expect.stringMatching(/needs a window[\s\S]*Usage:/) });
    expect((await alerts('rule', 'add', ws, 'stale_views', '--channel', '00000000-0000-4000-8000-000000000000')).code).toBe(2);
    expect((await alerts('rule', 'add', ws, 'llm_cost', '--above', '5', '--period', 'month', '--channel', '00000000-0000-4000-8000-000000000000')).code).toBe(2);
    expect((await alerts('frobnicate')).code).toBe(2);
    expect(await alerts('--help')).toMatchObject({ code: 0, stdout: expect.stringContaining('npm run alerts -- channel add') });
  });
});
