// Differential test of week/month buckets, every sequence step, compare=previous and the campaigns
// endpoint: on random data (awkward names, local-midnight boundaries, contacts active on many days,
// steps up to 7, a leap year, both 2025 DST changes of New York and of Chatham) in workspaces of five
// time zones (America/New_York, Asia/Kolkata +5:30, Asia/Kathmandu +5:45, Pacific/Chatham +12:45/+13:45,
// UTC), under a session TimeZone that is none of them, every answer must equal an oracle computed here
// in TypeScript (Intl's time zone data) from the rows inserted, for source mv after a refresh, live with
// writes pending (and mv still as of the refresh), raw, and mv again after the incremental refresh; a
// full rebuild then changes nothing. A change of zone is exact at once live, and after a refresh.
import { answerEtag } from '../../lib/dashboard/etag';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as aggregate } from '../../app/api/dashboard/aggregate/route';
import { GET as campaignsRoute } from '../../app/api/dashboard/campaigns/route';
import { addDays, daysBetween, todayIn } from '../../lib/dashboard/days';
import type { CampaignsResponse, DashboardResponse, DashboardSummary } from '../../lib/dashboard/response';
import { connect, insertEvents, insertLlmUsage, refreshViewsNow, uniqueWorkspace, type EmailEventInput, type EventType, type LlmUsageInput } from '../support/db';
import { callRoute } from '../support/routes';

type Interval = 'day' | 'week' | 'month';
type Source = 'mv' | 'live' | 'raw';
type Event = Required<EmailEventInput> & { day: string };
type Usage = LlmUsageInput & { campaign_name: string | null; provider: string; model: string; tokens_in: number; tokens_out: number; micros: number; day: string };

const STEP_SEVEN = 'Step seven only';
const CAMPAIGNS = ['Alpha', "O'Brien", '100% _off', 'Café ☕ 東京', ' padded ', 'Alpha_', STEP_SEVEN];
const TYPES: EventType[] = ['sent', 'sent', 'sent', 'opened', 'opened', 'clicked', 'replied', 'bounced', 'opted_out'];
const PROVIDERS: Array<[string, string]> = [['openai', 'gpt-4o-mini'], ['anthropic', 'claude-sonnet-4'], ['google', 'gemini-2.0-flash']];
const LEAP_FIRST = '2024-02-15';
const LEAP_DAYS = 30;
const RECENT_DAYS = 80;
/** The days clocks changed in 2025: New York (Mar 9, Nov 2) and Chatham (Apr 6, Sep 28). */
const DST_DAYS = ['2025-03-09', '2025-11-02', '2025-04-06', '2025-09-28'];
const ZONES = ['America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Pacific/Chatham', 'UTC'];
const workspaces = ZONES.map(() => uniqueWorkspace('buckets'));
const zoneOf = new Map(workspaces.map((ws, i) => [ws, ZONES[i] as string]));
const zone = (ws: string) => zoneOf.get(ws) ?? 'UTC';
/** The local calendar day of an instant in a zone. */
const localDay = (ts: string, timeZone: string) => todayIn(timeZone, new Date(ts));
/** Local midnight of a day in a zone, as an instant (a second-precise search from the UTC guess). */
function localMidnight(day: string, timeZone: string): number {
  let t = Date.parse(`${day}T00:00:00Z`);
  for (let i = 0; i < 3; i++) {
    const wall = Date.parse(`${localDay(new Date(t).toISOString(), timeZone)}T${new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(t)}Z`);
    t -= wall - Date.parse(`${day}T00:00:00Z`);
  }
  return t;
}

let seed = 20251222;
function next(): number {
  seed = (seed * 1664525 + 1013904223) % 2 ** 32;
  return seed / 2 ** 32;
}
const pick = <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
const int = (below: number) => Math.floor(next() * below);
let client: pg.Client;
/** Today in the zone of the first workspace (New York); each workspace's own: todayOf. */
let today: string;
const todays = new Map<string, string>();
const todayOf = (ws: string) => todays.get(ws) ?? today;
let events: Event[] = [];
let usage: Usage[] = [];

/**
 * A timestamp on the given local day of a zone: a quarter of them on its first or last second (local
 * midnight), some on the UTC day's edges, some written with +14:00.
 */
function timestampOn(day: string, timeZone: string): string {
  const roll = next();
  if (roll < 0.125) return new Date(localMidnight(addDays(day, 1), timeZone) - 1000).toISOString();
  if (roll < 0.25) return new Date(localMidnight(day, timeZone)).toISOString();
  if (roll < 0.3) return `${day}T${next() < 0.5 ? '00:00:00' : '23:59:59'}Z`;
  const at = localMidnight(day, timeZone) + int(24 * 60) * 60_000;
  return next() < 0.5 ? new Date(at).toISOString() : new Date(at + 14 * 3_600_000).toISOString().replace('Z', '+14:00');
}

/** A random day of the data: mostly the last RECENT_DAYS days up to today, some in the leap-year block, some around DST changes. */
function randomDay(ws: string): string {
  const roll = next();
  if (roll < 0.65) return addDays(todayOf(ws), -int(RECENT_DAYS));
  if (roll < 0.85) return addDays(LEAP_FIRST, int(LEAP_DAYS));
  return addDays(pick(DST_DAYS), int(5) - 2);
}

function randomEvent(day?: string, workspace = pick(workspaces)): Event {
  const campaign = pick(CAMPAIGNS);
  const event_ts = timestampOn(day ?? randomDay(workspace), zone(workspace));
  return {
    workspace_id: workspace, campaign_name: campaign, contact_email: `c${int(45)}@example.com`,
    event_type: pick(TYPES), email_number: campaign === STEP_SEVEN ? 7 : next() < 0.1 ? null : 1 + int(7),
    event_ts, day: localDay(event_ts, zone(workspace)),
  };
}

function randomUsage(day?: string, workspace = pick(workspaces)): Usage {
  const [provider, model] = pick(PROVIDERS);
  const micros = int(2_000_000);
  const created_at = timestampOn(day ?? randomDay(workspace), zone(workspace));
  return {
    workspace_id: workspace, campaign_name: next() < 0.25 ? null : pick(CAMPAIGNS), provider, model,
    tokens_in: int(4000), tokens_out: int(800), cost_usd: (micros / 1e6).toFixed(6), micros, created_at, day: localDay(created_at, zone(workspace)),
  };
}

beforeAll(async () => {
  client = await connect({ timezone: 'America/St_Johns' });
  for (const ws of workspaces) {
    await client.query('insert into workspace_settings (workspace_id, time_zone) values ($1, $2)', [ws, zone(ws)]);
    todays.set(ws, (await client.query(`select to_char((now() at time zone $1)::date, 'YYYY-MM-DD') as d`, [zone(ws)])).rows[0].d);
  }
  today = todayOf(workspaces[0] as string);
  events = Array.from({ length: 3000 }, () => randomEvent());
  usage = Array.from({ length: 500 }, () => randomUsage());
  await insertEvents(client, events);
  await insertLlmUsage(client, usage);
  await refreshViewsNow(client);
});

afterAll(async () => {
  await client.end();
});

// ---------------------------------------------------------------------------------------------
// The oracle
// ---------------------------------------------------------------------------------------------

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** numerator / denominator rounded to 6 decimals half away from zero, as numeric's round(x, 6), exactly (integers). */
const ratio6 = (numerator: number, denominator: number) => Math.floor((2 * numerator * 1e6 + denominator) / (2 * denominator)) / 1e6;
const maxDay = (a: string, b: string) => (a > b ? a : b);

/** The first day of a day's bucket, clipped to the range: weeks from Monday (ISO), months from the 1st. */
function bucketStart(day: string, from: string, interval: Interval): string {
  if (interval === 'day') return day;
  if (interval === 'month') return maxDay(from, `${day.slice(0, 8)}01`);
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;   // Monday 0 … Sunday 6
  return maxDay(from, addDays(day, -weekday));
}

function summaryOf(chosen: Event[], spend: Usage[]) {
  const count = (type: EventType) => chosen.filter((e) => e.event_type === type).length;
  const sends = count('sent');
  const rate = (n: number) => (sends === 0 ? null : ratio6(n, sends));
  return {
    sends, opens: count('opened'), clicks: count('clicked'), replies: count('replied'), bounces: count('bounced'), opt_outs: count('opted_out'),
    unique_contacts: new Set(chosen.map((e) => e.contact_email)).size,
    open_rate: rate(count('opened')), click_rate: rate(count('clicked')), reply_rate: rate(count('replied')),
    bounce_rate: rate(count('bounced')), opt_out_rate: rate(count('opted_out')),
    total_cost_usd: spend.reduce((sum, u) => sum + u.micros, 0) / 1e6,
    cost_micros: spend.reduce((sum, u) => sum + u.micros, 0),
    llm_calls: spend.length,
    tokens_in: spend.reduce((sum, u) => sum + u.tokens_in, 0),
    tokens_out: spend.reduce((sum, u) => sum + u.tokens_out, 0),
  };
}

interface Request { workspace: string; from: string; to: string; campaign: string | null; interval: Interval; compare: boolean }

function scoped(data: { events: Event[]; usage: Usage[] }, r: Request, from: string, to: string) {
  return {
    chosen: data.events.filter((e) => e.workspace_id === r.workspace && (r.campaign === null || e.campaign_name === r.campaign) && e.day >= from && e.day <= to),
    spend: data.usage.filter((u) => u.workspace_id === r.workspace && (r.campaign === null || u.campaign_name === r.campaign) && u.day >= from && u.day <= to),
  };
}

/** What GET /api/dashboard/aggregate must answer, computed from the rows alone. */
function aggregateOracle(data: { events: Event[]; usage: Usage[] }, r: Request) {
  const { chosen, spend } = scoped(data, r, r.from, r.to);
  const providers = [...new Set(spend.map((u) => u.provider))];
  const starts: string[] = [];
  for (let day = r.from; day <= r.to; day = addDays(day, 1)) {
    const start = bucketStart(day, r.from, r.interval);
    if (starts.at(-1) !== start) starts.push(start);
  }
  const timeseries = starts.map((start) => {
    const inBucket = (day: string) => bucketStart(day, r.from, r.interval) === start && day >= r.from && day <= r.to;
    const bucket = summaryOf(chosen.filter((e) => inBucket(e.day)), spend.filter((u) => inBucket(u.day)));
    const byProvider = Object.fromEntries(providers.map((p) => [p, spend.filter((u) => u.provider === p && inBucket(u.day)).reduce((s, u) => s + u.micros, 0) / 1e6]));
    return [start, bucket.sends, bucket.opens, bucket.clicks, bucket.replies, bucket.bounces, bucket.opt_outs, bucket.unique_contacts,
      bucket.total_cost_usd, byProvider];
  });
  const steps = new Map<number, number>();
  for (const e of chosen) if (e.event_type === 'sent' && e.email_number !== null) steps.set(e.email_number, (steps.get(e.email_number) ?? 0) + 1);
  const sequence = [...new Set([1, 2, 3, 4, 5, ...steps.keys()])].sort((a, b) => a - b).map((step) => ({ step, sends: steps.get(step) ?? 0 }));
  const today = todayOf(r.workspace);
  const partial_day = r.from <= today && today <= r.to ? today : null;
  let comparison;
  if (r.compare) {
    const currentTo = r.to < today ? r.to : addDays(today, -1);
    if (currentTo < r.from) comparison = null;
    else {
      const length = daysBetween(r.from, currentTo) + 1;
      const period = (from: string, to: string) => {
        const { chosen: c, spend: s } = scoped(data, r, from, to);
        return { from, to, summary: summaryOf(c, s) };
      };
      comparison = { current: period(r.from, currentTo), previous: period(addDays(r.from, -length), addDays(r.from, -1)), partial_day };
    }
  }
  return { summary: summaryOf(chosen, spend), timeseries, sequence, partial_day, comparison };
}

/** What GET /api/dashboard/campaigns must answer. */
function campaignsOracle(data: { events: Event[]; usage: Usage[] }, r: Request) {
  const { chosen, spend } = scoped(data, r, r.from, r.to);
  const names = [...new Set([...chosen.map((e) => e.campaign_name), ...spend.flatMap((u) => (u.campaign_name === null ? [] : [u.campaign_name]))])];
  const rows = names.map((name) => {
    const s = summaryOf(chosen.filter((e) => e.campaign_name === name), spend.filter((u) => u.campaign_name === name));
    return {
      campaign_name: name, sends: s.sends, opens: s.opens, clicks: s.clicks, replies: s.replies, bounces: s.bounces, opt_outs: s.opt_outs,
      unique_contacts: s.unique_contacts, open_rate: s.open_rate, click_rate: s.click_rate, reply_rate: s.reply_rate,
      bounce_rate: s.bounce_rate, opt_out_rate: s.opt_out_rate, total_cost_usd: s.total_cost_usd, llm_calls: s.llm_calls,
      cost_per_reply: s.replies === 0 ? null : ratio6(s.cost_micros, s.replies * 1e6),
    };
  }).sort((a, b) => b.sends - a.sends || byteOrder(a.campaign_name, b.campaign_name));
  const unattributed = spend.filter((u) => u.campaign_name === null);
  return {
    campaigns: rows,
    unattributed: { total_cost_usd: unattributed.reduce((s, u) => s + u.micros, 0) / 1e6, llm_calls: unattributed.length },
    partial_day: r.from <= todayOf(r.workspace) && todayOf(r.workspace) <= r.to ? todayOf(r.workspace) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// The requests
// ---------------------------------------------------------------------------------------------

function wednesdayBefore(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();   // Sunday 0
  return addDays(day, -((weekday - 3 + 7) % 7));
}

/** The edge cases, then random requests. */
function requests(count: number): Request[] {
  const ws = workspaces[0] as string;
  const base = { workspace: ws, campaign: null, compare: true };
  const wednesday = wednesdayBefore(addDays(today, -30));
  const monthEnd = addDays(`${addDays(today, -35).slice(0, 8)}01`, -3);   // three days before a 1st
  const edge: Request[] = [
    { ...base, from: wednesday, to: addDays(wednesday, 19), interval: 'week' },             // a range starting on a Wednesday
    { ...base, from: monthEnd, to: addDays(monthEnd, 40), interval: 'month' },               // month boundaries
    { ...base, from: monthEnd, to: addDays(monthEnd, 40), interval: 'week' },
    { ...base, from: '2024-02-26', to: '2024-03-04', interval: 'week' },                    // the leap day inside a week
    { ...base, from: '2024-02-20', to: '2024-03-10', interval: 'month' },                   // and at a month's end
    { ...base, from: '2024-02-29', to: '2024-02-29', interval: 'day' },                     // one day: the leap day
    { ...base, from: '2024-02-29', to: '2024-02-29', interval: 'month' },
    { ...base, from: addDays(today, -10), to: addDays(today, -10), interval: 'week' },       // a 1-day range
    { ...base, from: today, to: today, interval: 'day' },                                   // today only: nothing to compare
    { ...base, from: addDays(today, 1), to: addDays(today, 5), interval: 'day' },            // the future: nothing to compare
    { ...base, from: addDays(today, -13), to: addDays(today, 3), interval: 'week' },         // today and beyond: complete days only
    { ...base, from: addDays(today, -20), to: addDays(today, -1), interval: 'day' },         // ends yesterday: the whole range
    { ...base, from: addDays(today, -RECENT_DAYS), to: today, interval: 'month', campaign: STEP_SEVEN },   // step 7 only
    { ...base, from: addDays(today, -365), to: today, interval: 'month', compare: false },
    // New York's 23- and 25-hour days, Chatham's (+12:45 / +13:45), Kolkata's and Kathmandu's boundaries.
    { ...base, from: '2025-03-08', to: '2025-03-10', interval: 'day' },
    { ...base, from: '2025-10-30', to: '2025-11-04', interval: 'week' },
    { ...base, workspace: workspaces[3] as string, from: '2025-04-05', to: '2025-04-07', interval: 'day' },
    { ...base, workspace: workspaces[3] as string, from: '2025-09-26', to: '2025-09-30', interval: 'month' },
    { ...base, workspace: workspaces[1] as string, from: '2025-03-08', to: '2025-03-10', interval: 'day' },
    { ...base, workspace: workspaces[2] as string, from: '2025-11-01', to: '2025-11-03', interval: 'week' },
  ];
  const random = Array.from({ length: count }, (): Request => {
    const leap = next() < 0.25;
    const from = leap ? addDays(LEAP_FIRST, int(LEAP_DAYS + 10) - 5) : addDays(today, -int(RECENT_DAYS + 10));
    return {
      workspace: pick(workspaces), from, to: addDays(from, int(leap ? 30 : 70)),
      campaign: next() < 0.4 ? null : next() < 0.9 ? pick(CAMPAIGNS) : 'no such campaign',
      interval: pick(['day', 'week', 'month'] as const), compare: next() < 0.6,
    };
  });
  return [...edge, ...random];
}

function params(r: Request, source: Source, endpoint: 'aggregate' | 'campaigns'): string {
  const query = new URLSearchParams({ workspace_id: r.workspace, from: r.from, to: r.to, source });
  if (r.campaign !== null) query.set('campaign', r.campaign);
  if (endpoint === 'aggregate') {
    query.set('interval', r.interval);
    if (r.compare) query.set('compare', 'previous');
  }
  return `/api/dashboard/${endpoint}?${query}`;
}

function expectSummary(actual: DashboardSummary, expected: ReturnType<typeof summaryOf>, label: string) {
  const { cost_micros: _micros, ...summary } = expected;
  expect(actual, label).toEqual(summary);
}

async function expectAggregate(r: Request, source: Source, data: { events: Event[]; usage: Usage[] }, label: string): Promise<DashboardResponse> {
  const { status, body } = await callRoute<DashboardResponse>(aggregate, params(r, source, 'aggregate'));
  expect(status, label).toBe(200);
  const expected = aggregateOracle(data, r);
  expect(body.interval, label).toBe(r.interval);
  expect(body.partial_day, label).toBe(expected.partial_day);
  expectSummary(body.summary, expected.summary, `${label} summary`);
  expect(body.timeseries.map((d) => [d.day, d.sends, d.opens, d.clicks, d.replies, d.bounces, d.opt_outs, d.unique_contacts, d.cost_usd,
    d.cost_by_provider]), `${label} timeseries`).toEqual(expected.timeseries);
  expect(body.sequence, `${label} sequence`).toEqual(expected.sequence);
  if (!r.compare) expect(body, label).not.toHaveProperty('comparison');
  else if (expected.comparison === null) expect(body.comparison, label).toBeNull();
  else {
    const { current, previous, partial_day } = expected.comparison as NonNullable<typeof expected.comparison>;
    expect(body.comparison?.partial_day, label).toBe(partial_day);
    expect([body.comparison?.current.from, body.comparison?.current.to, body.comparison?.previous.from, body.comparison?.previous.to], label)
      .toEqual([current.from, current.to, previous.from, previous.to]);
    expectSummary(body.comparison?.current.summary as DashboardSummary, current.summary, `${label} current`);
    expectSummary(body.comparison?.previous.summary as DashboardSummary, previous.summary, `${label} previous`);
  }
  return body;
}

async function expectCampaigns(r: Request, source: Source, data: { events: Event[]; usage: Usage[] }, label: string): Promise<CampaignsResponse> {
  const { status, body } = await callRoute<CampaignsResponse>(campaignsRoute, params(r, source, 'campaigns'));
  expect(status, label).toBe(200);
  const expected = campaignsOracle(data, r);
  expect(body.partial_day, label).toBe(expected.partial_day);
  expect(body.unattributed, label).toEqual(r.campaign === null ? expected.unattributed : { total_cost_usd: 0, llm_calls: 0 });
  expect(body.campaigns.map((c) => c.campaign_name), label).toEqual(expected.campaigns.map((c) => c.campaign_name));
  expect(body.campaigns, label).toEqual(expected.campaigns);
  return body;
}

/** Byte for byte the same JSON as the raw answer, but for the source named and the freshness. */
const comparable = (body: DashboardResponse | CampaignsResponse) => JSON.stringify({ ...body, source: null, freshness: null });

async function expectAllEqual(list: Request[], sources: Source[], data: { events: Event[]; usage: Usage[] }, phase: string) {
  for (const [i, r] of list.entries()) {
    const label = `${phase} #${i} ${r.workspace} ${r.from}..${r.to} ${JSON.stringify(r.campaign)} ${r.interval}${r.compare ? ' compare' : ''}`;
    const answers = [];
    const tables = [];
    for (const source of sources) {
      answers.push(comparable(await expectAggregate(r, source, data, `${label} ${source}`)));
      tables.push(comparable(await expectCampaigns(r, source, data, `${label} ${source} campaigns`)));
    }
    for (const answer of answers) expect(answer, label).toBe(answers[0]);
    for (const table of tables) expect(table, label).toBe(tables[0]);
  }
}

// ---------------------------------------------------------------------------------------------

describe('week/month buckets, every step, compare=previous and campaigns = the oracle', () => {
  it('after a refresh: mv, live and raw', async () => {
    await expectAllEqual(requests(30), ['mv', 'live', 'raw'], { events, usage }, 'refreshed');
  });

  it('with writes pending (steps 6-7 inserted and deleted, a new campaign, LLM usage): live and raw now, mv as of the refresh; then the incremental refresh, and a full rebuild changes nothing', async () => {
    const snapshot = { events: [...events], usage: [...usage] };
    const added = [
      ...Array.from({ length: 150 }, () => {
        const ws = pick(workspaces);
        return randomEvent(todayOf(ws), ws);
      }),
      ...Array.from({ length: 150 }, () => randomEvent()),
      ...Array.from({ length: 20 }, () => {
        const ws = pick(workspaces);
        return { ...randomEvent(addDays(todayOf(ws), -3), ws), campaign_name: 'Late campaign', event_type: 'sent' as const, email_number: 6 };
      }),
    ];
    await insertEvents(client, added);
    events.push(...added);
    // A contact erased in one workspace, and every step-6 and step-7 send of one day in the other.
    const [first, second] = workspaces as [string, string];
    const erased = 'c7@example.com';
    const day = addDays(today, -int(20));
    await client.query('delete from email_events where workspace_id = $1 and contact_email = $2', [first, erased]);
    await client.query(
      `delete from email_events where workspace_id = $1 and event_type = 'sent' and email_number in (6, 7)
         and (event_ts at time zone $3)::date = $2::date`, [second, day, zone(second)]);
    events = events.filter((e) => !(e.workspace_id === first && e.contact_email === erased)
      && !(e.workspace_id === second && e.event_type === 'sent' && (e.email_number === 6 || e.email_number === 7) && e.day === day));
    const moreUsage = Array.from({ length: 30 }, () => {
      const ws = pick(workspaces);
      return randomUsage(next() < 0.5 ? todayOf(ws) : undefined, ws);
    });
    await insertLlmUsage(client, moreUsage);
    usage.push(...moreUsage);
    await client.query(`delete from llm_usage where workspace_id = $1 and provider = 'google'
      and (created_at at time zone $3)::date = $2::date`, [first, day, zone(first)]);
    usage = usage.filter((u) => !(u.workspace_id === first && u.provider === 'google' && u.day === day));

    const list = requests(25);
    await expectAllEqual(list, ['live', 'raw'], { events, usage }, 'pending');
    for (const [i, r] of list.slice(0, 12).entries()) await expectAggregate(r, 'mv', snapshot, `pending #${i} mv as of the refresh`);

    await refreshViewsNow(client);
    await expectAllEqual(list, ['mv', 'live', 'raw'], { events, usage }, 'refreshed again');
    const rebuilt = (await client.query('select public.refresh_dashboard_views(true) as r')).rows[0].r;
    expect(rebuilt.views.map((v: { rows_changed: number }) => v.rows_changed)).toEqual([0, 0, 0]);
  });

  it('a change of zone: live exact in the new zone at once, the views pending until the refresh rebuilds that workspace alone, then equal to a full rebuild', async () => {
    const ws = workspaces[1] as string;   // Asia/Kolkata until now
    const others = workspaces.filter((w) => w !== ws);
    const versions = async () => (await client.query(
      'select workspace_id, version::text from dashboard_workspace_state where workspace_id = any($1) order by 1', [others])).rows;
    const before = await versions();
    await client.query('update workspace_settings set time_zone = $2 where workspace_id = $1', [ws, 'America/St_Johns']);
    zoneOf.set(ws, 'America/St_Johns');
    todays.set(ws, (await client.query(`select to_char((now() at time zone 'America/St_Johns')::date, 'YYYY-MM-DD') as d`)).rows[0].d);
    for (const e of events) if (e.workspace_id === ws) e.day = localDay(e.event_ts, 'America/St_Johns');
    for (const u of usage) if (u.workspace_id === ws) u.day = localDay(u.created_at, 'America/St_Johns');
    const list = [...requests(12).map((r) => ({ ...r, workspace: ws })),
      { workspace: ws, from: '2025-11-01', to: '2025-11-03', campaign: null, interval: 'day' as const, compare: true }];

    await expectAllEqual(list, ['live', 'raw'], { events, usage }, 'new zone, not refreshed');
    const mv = await callRoute<DashboardResponse>(aggregate, params(list[0] as Request, 'mv', 'aggregate'));
    expect(mv.body.time_zone).toBe('Asia/Kolkata');
    expect(mv.body.freshness[0]?.pending_buckets).toBeGreaterThan(100);
    const live = await callRoute<DashboardResponse>(aggregate, params(list[0] as Request, 'live', 'aggregate'));
    expect(live.body.time_zone).toBe('America/St_Johns');

    const refreshed = (await client.query('select public.refresh_dashboard_views() as r')).rows[0].r;
    expect(refreshed).toMatchObject({ status: 'refreshed', full: false });
    expect(refreshed.rebuilt_workspaces).toBeGreaterThanOrEqual(1);
    // The other workspaces' rows were not written (their versions did not move).
    expect(await versions()).toEqual(before);
    await expectAllEqual(list, ['mv', 'live', 'raw'], { events, usage }, 'new zone, refreshed');
    const rebuilt = (await client.query('select public.refresh_dashboard_views(true) as r')).rows[0].r;
    expect(rebuilt.views.map((v: { rows_changed: number }) => v.rows_changed)).toEqual([0, 0, 0]);
  });

  it("folds the workspace's today into the ETag of answers that depend on it (ranges reaching yesterday or later), and only those", () => {
    const basis = { data_version: 7, time_zone: 'Asia/Kolkata', today };
    const tomorrow = { ...basis, today: addDays(today, 1) };
    const query = (to: string) => ({ workspace_id: 'w', from: addDays(to, -6), to, range: null, campaign: null, source: 'mv' as const });
    const old = query(addDays(today, -2));
    expect(answerEtag(old, basis)).toBe(answerEtag(old, tomorrow));
    for (const to of [addDays(today, -1), today, addDays(today, 30)]) {
      expect(answerEtag(query(to), basis), to).not.toBe(answerEtag(query(to), tomorrow));
    }
    // The zone and the data version are in it too.
    expect(answerEtag(old, basis)).not.toBe(answerEtag(old, { ...basis, time_zone: 'UTC' }));
    expect(answerEtag(old, basis)).not.toBe(answerEtag(old, { ...basis, data_version: 8 }));
  });

  it('labels a weekly bucket of a range starting on a Wednesday with that Wednesday, covering Wednesday to Sunday', async () => {
    const ws = uniqueWorkspace('wed');
    // 2025-11-05 is a Wednesday; the same contact on Wednesday and Sunday counts once in the bucket.
    await insertEvents(client, [
      { workspace_id: ws, contact_email: 'a@x', event_ts: '2025-11-05T00:00:00Z' },
      { workspace_id: ws, contact_email: 'a@x', event_ts: '2025-11-09T23:59:59Z' },
      { workspace_id: ws, contact_email: 'b@x', event_ts: '2025-11-10T00:00:00Z', email_number: 7 },
    ]);
    await refreshViewsNow(client);
    const { body } = await callRoute<DashboardResponse>(aggregate, `/api/dashboard/aggregate?workspace_id=${ws}&from=2025-11-05&to=2025-11-12&interval=week`);
    expect(body.timeseries.map((d) => [d.day, d.sends, d.unique_contacts])).toEqual([['2025-11-05', 2, 1], ['2025-11-10', 1, 1]]);
    expect(body.sequence).toEqual([{ step: 1, sends: 2 }, ...[2, 3, 4, 5].map((step) => ({ step, sends: 0 })), { step: 7, sends: 1 }]);
    expect(body.summary.unique_contacts).toBe(2);
  });
});
