// GET/PUT /api/dashboard/time-zone and GET /api/dashboard/time-zones, called in-process against the
// real Postgres of the test run with access tokens minted here: members read a workspace's zone,
// admins change it (viewers 403, outsiders the missing workspace's 404, unknown zones and bad bodies
// 400 naming the field, the open mode 403), and after a change live answers are cut in the new zone
// at once while mv answers keep the views' zone until the next refresh rebuilds the workspace.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GET as aggregate } from '../../app/api/dashboard/aggregate/route';
import { GET as getTimeZone, PUT as putTimeZone } from '../../app/api/dashboard/time-zone/route';
import { GET as timeZones } from '../../app/api/dashboard/time-zones/route';
import {
  dashboardResponseSchema, timeZonesResponseSchema, workspaceTimeZoneSchema,
  type DashboardResponse, type TimeZonesResponse, type WorkspaceTimeZone,
} from '../../lib/dashboard/response';
import { addMember, bearer, hs256Token, openMode, requireSignIn, TEST_JWT_SECRET } from '../support/auth';
import { connect, insertEvents, refreshViewsNow, uniqueWorkspace } from '../support/db';
import { callRoute } from '../support/routes';

interface ErrorBody {
  error: string;
  issues?: Array<{ parameter: string; message: string }>;
}

let client: pg.Client;
/** Members and statuses; no data, so never rebuilt by a refresh. */
const ws = uniqueWorkspace('tz-api');
/** Events on both sides of a Kathmandu midnight: the zone flow from PUT to refresh. */
const wsDays = uniqueWorkspace('tz-days');
const admin = randomUUID();
const viewer = randomUUID();
const outsider = randomUUID();

beforeAll(async () => {
  client = await connect();
  // 18:14:59Z is 23:59:59 in Kathmandu (+05:45), 18:15:00Z is midnight there: one UTC day, two local days.
  await insertEvents(client, [
    { workspace_id: wsDays, contact_email: 'a@x', event_type: 'sent', event_ts: '2025-05-10T18:14:59Z' },
    { workspace_id: wsDays, contact_email: 'b@x', event_type: 'sent', event_ts: '2025-05-10T18:15:00Z' },
    { workspace_id: wsDays, contact_email: 'b@x', event_type: 'replied', event_ts: '2025-05-10T18:15:01Z' },
  ]);
  await refreshViewsNow(client);
  for (const workspace of [ws, wsDays]) {
    await addMember(client, workspace, admin, 'admin');
    await addMember(client, workspace, viewer, 'viewer');
  }
  requireSignIn({ jwtSecret: TEST_JWT_SECRET });
});

afterAll(async () => {
  openMode();
  await client?.end();
});

const as = async (user: string) => bearer(await hs256Token({ sub: user }));
const zoneUrl = (workspace: string, extra = '') => `/api/dashboard/time-zone?workspace_id=${encodeURIComponent(workspace)}${extra}`;

function put(workspace: string, body: unknown, headers: Record<string, string>) {
  return callRoute<WorkspaceTimeZone & ErrorBody>(putTimeZone, zoneUrl(workspace), {
    method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The workspace's setting row (undefined: none) and the zone its views were cut in (undefined: never refreshed). */
async function stored(workspace: string): Promise<{ setting: string | undefined; views: string | undefined }> {
  const setting = (await client.query('select time_zone from public.workspace_settings where workspace_id = $1', [workspace])).rows[0]?.time_zone;
  const views = (await client.query('select time_zone from public.dashboard_workspace_state where workspace_id = $1', [workspace])).rows[0]?.time_zone;
  return { setting, views };
}

describe('GET /api/dashboard/time-zone', () => {
  it('answers a member (viewer too) the zone, UTC until one is set, as the database holds it', async () => {
    for (const user of [viewer, admin]) {
      const { status, body, headers } = await callRoute<WorkspaceTimeZone>(getTimeZone, zoneUrl(ws), { headers: await as(user) });
      expect(status).toBe(200);
      expect(headers.get('cache-control')).toMatch(/no-store/);
      expect(workspaceTimeZoneSchema.parse(body)).toEqual({ workspace_id: ws, time_zone: 'UTC', views_time_zone: 'UTC', rebuild_pending: false });
    }
    expect(await stored(ws)).toEqual({ setting: undefined, views: undefined });
  });

  it('answers 401 signed out, and the same 404 for a non-member and a workspace that does not exist', async () => {
    const anonymous = await callRoute<ErrorBody>(getTimeZone, zoneUrl(ws));
    expect(anonymous.status).toBe(401);
    const notMember = await callRoute<ErrorBody>(getTimeZone, zoneUrl(ws), { headers: await as(outsider) });
    const missing = await callRoute<ErrorBody>(getTimeZone, zoneUrl(uniqueWorkspace('tz-nowhere')), { headers: await as(outsider) });
    expect(notMember.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(notMember.body).toEqual(missing.body);
    expect(JSON.stringify(notMember.body)).not.toContain('UTC');
  });

  it('answers 400 naming workspace_id when it is missing, and an unknown parameter by its name', async () => {
    const missing = await callRoute<ErrorBody>(getTimeZone, '/api/dashboard/time-zone', { headers: await as(admin) });
    expect(missing.status).toBe(400);
    expect(missing.body.issues?.map((i) => i.parameter)).toEqual(['workspace_id']);
    const extra = await callRoute<ErrorBody>(getTimeZone, zoneUrl(ws, '&zone=UTC'), { headers: await as(admin) });
    expect(extra.status).toBe(400);
    expect(extra.body.issues?.map((i) => i.parameter)).toEqual(['zone']);
  });
});

describe('PUT /api/dashboard/time-zone', () => {
  it('lets an admin set the zone: 200 with the new setting, which workspace_settings then holds', async () => {
    const { status, body, headers } = await put(ws, { time_zone: 'Asia/Kolkata' }, await as(admin));
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toMatch(/no-store/);
    // Never refreshed (no data): no views to rebuild, they follow the setting.
    expect(workspaceTimeZoneSchema.parse(body)).toEqual({ workspace_id: ws, time_zone: 'Asia/Kolkata', views_time_zone: 'Asia/Kolkata', rebuild_pending: false });
    expect((await stored(ws)).setting).toBe('Asia/Kolkata');
    const read = await callRoute<WorkspaceTimeZone>(getTimeZone, zoneUrl(ws), { headers: await as(viewer) });
    expect(read.body).toEqual(body);
    // Setting the same zone again is a no-op that still answers 200.
    expect((await put(ws, { time_zone: 'Asia/Kolkata' }, await as(admin))).body).toEqual(body);
  });

  it('answers a viewer 403 and changes nothing', async () => {
    const before = await stored(ws);
    const { status, body } = await put(ws, { time_zone: 'Europe/Berlin' }, await as(viewer));
    expect(status).toBe(403);
    expect(body.error).toMatch(/admin/i);
    expect(await stored(ws)).toEqual(before);
  });

  it('answers a non-member the same 404 as a missing workspace, and writes no setting for either', async () => {
    const nowhere = uniqueWorkspace('tz-nowhere');
    const before = await stored(ws);
    const notMember = await put(ws, { time_zone: 'Europe/Berlin' }, await as(outsider));
    const missing = await put(nowhere, { time_zone: 'Europe/Berlin' }, await as(outsider));
    expect(notMember.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(notMember.body).toEqual(missing.body);
    expect(await stored(ws)).toEqual(before);
    expect(await stored(nowhere)).toEqual({ setting: undefined, views: undefined });
    // An admin elsewhere is an outsider here.
    const elsewhere = uniqueWorkspace('tz-elsewhere');
    await addMember(client, elsewhere, outsider, 'admin');
    expect((await put(ws, { time_zone: 'Europe/Berlin' }, await as(outsider))).status).toBe(404);
    expect(await stored(ws)).toEqual(before);
  });

  it.each(['EDT', 'UTC+5', 'America/Atlantis', 'america/new_york', ' Asia/Kolkata'])('answers 400 naming time_zone for %j and changes nothing', async (zone) => {
    const before = await stored(ws);
    const { status, body } = await put(ws, { time_zone: zone }, await as(admin));
    expect(status).toBe(400);
    expect(body.issues?.map((i) => i.parameter)).toEqual(['time_zone']);
    expect(body.error).toContain('IANA');
    expect(await stored(ws)).toEqual(before);
  });

  it('answers 400 naming time_zone when it is missing, empty or not a string, and changes nothing', async () => {
    const before = await stored(ws);
    for (const payload of [{}, { time_zone: '' }, { time_zone: 5 }, { time_zone: null }, { time_zone: 'x'.repeat(101) }]) {
      const { status, body } = await put(ws, payload, await as(admin));
      expect({ payload, status }).toEqual({ payload, status: 400 });
      expect(body.issues?.map((i) => i.parameter)).toEqual(['time_zone']);
    }
    expect(await stored(ws)).toEqual(before);
  });

  it('answers 400 naming body for a body that is not JSON, not an object, or has other keys, and changes nothing', async () => {
    const before = await stored(ws);
    for (const payload of ['Asia/Tokyo', '{"time_zone": "Asia/Tokyo"', '', { time_zone: 'Asia/Tokyo', workspace_id: ws }, '"Asia/Tokyo"', '["Asia/Tokyo"]']) {
      const { status, body } = await put(ws, payload, await as(admin));
      expect({ payload, status }).toEqual({ payload, status: 400 });
      expect(body.issues?.map((i) => i.parameter), JSON.stringify(payload)).toContain('body');
      expect(body.issues?.map((i) => i.parameter)).not.toContain('query');
    }
    expect(await stored(ws)).toEqual(before);
  });

  it('answers 401 signed out and changes nothing', async () => {
    const before = await stored(ws);
    expect((await put(ws, { time_zone: 'Asia/Tokyo' }, {})).status).toBe(401);
    expect((await put(ws, { time_zone: 'Asia/Tokyo' }, bearer(await hs256Token({ sub: admin, secret: 'y'.repeat(64) })))).status).toBe(401);
    expect(await stored(ws)).toEqual(before);
  });

  it('answers 403 in the open mode (DASHBOARD_AUTH off), pointing at npm run workspaces, and changes nothing', async () => {
    const before = await stored(ws);
    openMode();
    try {
      const { status, body } = await put(ws, { time_zone: 'Asia/Tokyo' }, {});
      expect(status).toBe(403);
      expect(body.error).toContain('npm run workspaces');
      // Reading stays open in the open mode.
      const read = await callRoute<WorkspaceTimeZone>(getTimeZone, zoneUrl(ws));
      expect(read.status).toBe(200);
      expect(read.body.time_zone).toBe(before.setting);
    } finally {
      requireSignIn({ jwtSecret: TEST_JWT_SECRET });
    }
    expect(await stored(ws)).toEqual(before);
  });
});

describe('after a change: live answers in the new zone at once, mv answers in the views\' zone until the refresh', () => {
  const aggregateUrl = (source: 'mv' | 'live') =>
    `/api/dashboard/aggregate?${new URLSearchParams({ workspace_id: wsDays, from: '2025-05-10', to: '2025-05-11', source })}`;
  const answer = async (source: 'mv' | 'live', headers: Record<string, string> = {}) =>
    callRoute<DashboardResponse>(aggregate, aggregateUrl(source), { headers: { ...(await as(viewer)), ...headers } });
  const days = (body: DashboardResponse) => body.timeseries.map((d) => [d.day, d.sends, d.replies]);
  const UTC_DAYS = [['2025-05-10', 2, 1], ['2025-05-11', 0, 0]];
  const KATHMANDU_DAYS = [['2025-05-10', 1, 0], ['2025-05-11', 1, 1]];

  /** How many workspaces the next refresh must rebuild for their zone (this one, and any other test's left over). */
  const zoneChangesPending = async () => (await client.query(
    `select count(*)::int as n from public.dashboard_workspace_state s
     left join public.workspace_settings st on st.workspace_id = s.workspace_id
     where s.time_zone <> coalesce(st.time_zone, 'UTC')`)).rows[0].n as number;

  it('cuts days in UTC before any change, both sources', async () => {
    for (const source of ['mv', 'live'] as const) {
      const { status, body } = await answer(source);
      expect(status).toBe(200);
      dashboardResponseSchema.parse(body);
      expect(body.time_zone).toBe('UTC');
      expect(days(body)).toEqual(UTC_DAYS);
    }
    expect(await stored(wsDays)).toEqual({ setting: undefined, views: 'UTC' });
  });

  it('follows a PUT in live answers at once, keeps mv in the old zone (and its ETag), and the refresh rebuilds that workspace', async () => {
    const liveBefore = await answer('live');
    const mvBefore = await answer('mv');

    const changed = await put(wsDays, { time_zone: 'Asia/Kathmandu' }, await as(admin));
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ workspace_id: wsDays, time_zone: 'Asia/Kathmandu', views_time_zone: 'UTC', rebuild_pending: true });
    expect(await stored(wsDays)).toEqual({ setting: 'Asia/Kathmandu', views: 'UTC' });

    const live = await answer('live');
    expect(live.body.time_zone).toBe('Asia/Kathmandu');
    expect(days(live.body)).toEqual(KATHMANDU_DAYS);
    // The zone is part of the live answer's version: a cached answer of the old zone does not match.
    const liveRevalidated = await answer('live', { 'if-none-match': liveBefore.headers.get('etag') ?? '' });
    expect(liveRevalidated.status).toBe(200);
    expect(live.headers.get('etag')).not.toBe(liveBefore.headers.get('etag'));

    const mv = await answer('mv');
    expect(mv.body.time_zone).toBe('UTC');
    expect(days(mv.body)).toEqual(UTC_DAYS);
    expect((await answer('mv', { 'if-none-match': mvBefore.headers.get('etag') ?? '' })).status).toBe(304);

    const pending = await zoneChangesPending();
    expect(pending).toBeGreaterThanOrEqual(1);
    const refreshed = z.object({ rebuilt_because: z.record(z.string(), z.number()) }).parse(await refreshViewsNow(client));
    expect(refreshed.rebuilt_because).toMatchObject({ 'time zone changed': pending });
    expect(await zoneChangesPending()).toBe(0);
    expect(await stored(wsDays)).toEqual({ setting: 'Asia/Kathmandu', views: 'Asia/Kathmandu' });

    const read = await callRoute<WorkspaceTimeZone>(getTimeZone, zoneUrl(wsDays), { headers: await as(viewer) });
    expect(read.body).toEqual({ workspace_id: wsDays, time_zone: 'Asia/Kathmandu', views_time_zone: 'Asia/Kathmandu', rebuild_pending: false });
    const mvAfter = await answer('mv');
    expect(mvAfter.body.time_zone).toBe('Asia/Kathmandu');
    expect(days(mvAfter.body)).toEqual(KATHMANDU_DAYS);
    expect(mvAfter.headers.get('etag')).not.toBe(mvBefore.headers.get('etag'));
  });

  it('a change back before the refresh leaves nothing to rebuild', async () => {
    const away = await put(wsDays, { time_zone: 'America/New_York' }, await as(admin));
    expect(away.body).toMatchObject({ time_zone: 'America/New_York', views_time_zone: 'Asia/Kathmandu', rebuild_pending: true });
    const back = await put(wsDays, { time_zone: 'Asia/Kathmandu' }, await as(admin));
    expect(back.body).toEqual({ workspace_id: wsDays, time_zone: 'Asia/Kathmandu', views_time_zone: 'Asia/Kathmandu', rebuild_pending: false });
    expect(await zoneChangesPending()).toBe(0);
  });
});

describe('GET /api/dashboard/time-zones', () => {
  it('lists every zone once, sorted by name, with its offset from UTC now (Kathmandu +05:45)', async () => {
    const { status, body, headers } = await callRoute<TimeZonesResponse>(timeZones, '/api/dashboard/time-zones', { headers: await as(viewer) });
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('private, max-age=3600');
    const zones = timeZonesResponseSchema.parse(body).time_zones;
    const names = zones.map((z) => z.name);
    expect(zones.length).toBeGreaterThan(300);
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
    expect(zones).toContainEqual({ name: 'Asia/Kathmandu', utc_offset_minutes: 345 });
    expect(zones).toContainEqual({ name: 'Asia/Kolkata', utc_offset_minutes: 330 });
    expect(zones).toContainEqual({ name: 'UTC', utc_offset_minutes: 0 });
    expect([-300, -240]).toContain(zones.find((z) => z.name === 'America/New_York')?.utc_offset_minutes);
    expect(names).not.toContain('EDT');
    // The list is what PUT accepts: the names equal pg_timezone_names, offsets as the database says.
    const { rows } = await client.query(`select name, (extract(epoch from utc_offset) / 60)::int as utc_offset_minutes from pg_timezone_names order by name collate "C"`);
    expect(zones).toEqual(rows);
  });

  it('answers 401 signed out, 400 naming a parameter it does not take, and 200 in the open mode', async () => {
    expect((await callRoute(timeZones, '/api/dashboard/time-zones')).status).toBe(401);
    const extra = await callRoute<ErrorBody>(timeZones, '/api/dashboard/time-zones?workspace_id=x', { headers: await as(viewer) });
    expect(extra.status).toBe(400);
    expect(extra.body.issues?.map((i) => i.parameter)).toEqual(['workspace_id']);
    openMode();
    try {
      expect((await callRoute(timeZones, '/api/dashboard/time-zones')).status).toBe(200);
    } finally {
      requireSignIn({ jwtSecret: TEST_JWT_SECRET });
    }
  });
});
