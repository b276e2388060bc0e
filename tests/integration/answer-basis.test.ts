// The one small call the answers cache makes before any kept answer is looked at: it decides access
// and reads the key's parts (lib/dashboard/answer-cache.ts), in SQL against the real Postgres.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../support/auth';
import { connect, insertEvents, refreshViewsNow, uniqueWorkspace } from '../support/db';

let client: pg.Client;
const ws = uniqueWorkspace('basis');
const other = uniqueWorkspace('basis-other');
const member = randomUUID();
const outsider = randomUUID();

const basisFor = async (user: string, workspace: string, source = 'mv') =>
  (await client.query('select public.dashboard_answer_basis_for_member($1, $2, $3) as v', [user, workspace, source])).rows[0].v;
const listVersion = async () => Number((await client.query('select public.dashboard_workspaces_version() as v')).rows[0].v);

beforeAll(async () => {
  client = await connect();
  await insertEvents(client, [
    { workspace_id: ws, campaign_name: 'Launch', contact_email: 'a@x', event_type: 'sent', email_number: 1, event_ts: '2025-04-01T09:00:00Z' },
    { workspace_id: other, campaign_name: 'Launch', contact_email: 'b@x', event_type: 'sent', email_number: 1, event_ts: '2025-04-01T09:00:00Z' },
  ]);
  await refreshViewsNow(client);
  await addMember(client, ws, member, 'viewer');
});

afterAll(async () => {
  await client.query('delete from public.workspace_members where workspace_id = any($1)', [[ws, other]]);
  await client.query('delete from public.workspace_settings where workspace_id = any($1)', [[ws, other]]);
  await client.end();
});

describe('dashboard_answer_basis_for_member', () => {
  it('answers a member with the key\'s parts (version, zone, today) and the freshness rows laid over a kept answer', async () => {
    const basis = await basisFor(member, ws);
    expect(basis).toMatchObject({ workspace_id: ws, source: 'mv', time_zone: 'UTC', role: 'viewer' });
    expect(typeof basis.data_version).toBe('number');
    expect(basis.today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(basis.freshness.map((row: { view_name: string }) => row.view_name)).toContain('mv_daily_stats');
  });

  it('refuses a non-member and a missing workspace alike, and raw to a viewer, with nothing of the workspace in the answer', async () => {
    expect(await basisFor(outsider, ws)).toEqual({ error: 'not_found' });
    expect(await basisFor(member, other)).toEqual({ error: 'not_found' });
    expect(await basisFor(member, uniqueWorkspace('nowhere'))).toEqual({ error: 'not_found' });
    expect(await basisFor(member, ws, 'raw')).toEqual({ error: 'forbidden' });
  });

  it('moves the version when a refresh run in SQL writes the workspace\'s rows, and only then', async () => {
    const before = (await basisFor(member, ws)).data_version;
    await client.query('select public.refresh_dashboard_views()');
    expect((await basisFor(member, ws)).data_version).toBe(before);
    await insertEvents(client, [{ workspace_id: ws, campaign_name: 'Launch', contact_email: 'c@x', event_type: 'sent', email_number: 1, event_ts: '2025-04-02T09:00:00Z' }]);
    expect((await basisFor(member, ws)).data_version).toBe(before);
    await client.query('select public.refresh_dashboard_views()');
    expect((await basisFor(member, ws)).data_version).not.toBe(before);
  });
});

describe('dashboard_workspaces_basis_for_member and the list\'s version', () => {
  it('lists the member\'s workspaces only, each with its role', async () => {
    const basis = (await client.query('select public.dashboard_workspaces_basis_for_member($1) as v', [member])).rows[0].v;
    expect(basis.memberships.map((m: { workspace_id: string; role: string }) => [m.workspace_id, m.role])).toEqual([[ws, 'viewer']]);
    expect((await client.query('select public.dashboard_workspaces_basis_for_member($1) as v', [outsider])).rows[0].v.memberships).toEqual([]);
  });

  it('moves with a refresh that writes any workspace\'s rows, and with a zone written in SQL', async () => {
    const first = await listVersion();
    await insertEvents(client, [{ workspace_id: other, campaign_name: 'Next', contact_email: 'd@x', event_type: 'sent', email_number: 1, event_ts: '2025-04-03T09:00:00Z' }]);
    await client.query('select public.refresh_dashboard_views()');
    const second = await listVersion();
    expect(second).not.toBe(first);
    await client.query(`insert into public.workspace_settings (workspace_id, time_zone) values ($1, 'Asia/Kolkata')`, [other]);
    expect(await listVersion()).not.toBe(second);
  });
});
