// Differential test of the dashboard: on random data full of awkward names and day boundaries,
// source=mv, source=raw and an oracle computed here in TypeScript from the rows we inserted must
// all agree, for many random (workspace, range, campaign) requests.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as aggregate } from '../../app/api/dashboard/aggregate/route';
import type { DashboardResponse } from '../../lib/dashboard/response';
import { addDays } from '../../lib/dashboard/days';
import { connect, insertEvents, insertLlmUsage, refreshViewsNow, uniqueWorkspace, type EmailEventInput, type EventType, type LlmUsageInput } from '../support/db';
import { callRoute } from '../support/routes';

const CAMPAIGNS = ['Alpha', "O'Brien", '100% _off', 'Café ☕ 東京', "'; drop table email_events; --", 'back\\slash', ' padded ',
  'tab\there', 'Alpha_', '"quoted"'];
const TYPES: EventType[] = ['sent', 'sent', 'sent', 'opened', 'opened', 'clicked', 'replied', 'bounced', 'opted_out'];
const PROVIDERS: Array<[string, string]> = [['openai', 'gpt-4o-mini'], ['openai', 'gpt-4.1'], ['anthropic', 'claude-sonnet-4'], ['google', 'gemini-2.0-flash']];
const FIRST_DAY = '2025-03-01';
const DAYS = 45;

let random = 20251207;
function next(): number {
  random = (random * 1664525 + 1013904223) % 2 ** 32;
  return random / 2 ** 32;
}
const pick = <T,>(list: T[]): T => list[Math.floor(next() * list.length)] as T;
const int = (below: number) => Math.floor(next() * below);

/** A timestamp on the given day; a quarter of them on the last or first second of a UTC day. */
function timestampOn(day: string): string {
  const roll = next();
  if (roll < 0.125) return `${day}T23:59:59Z`;
  if (roll < 0.25) return `${day}T00:00:00Z`;
  // Offsets other than Z, so the database must convert to UTC itself.
  const hour = String(int(24)).padStart(2, '0');
  return next() < 0.5 ? `${day}T${hour}:${String(int(60)).padStart(2, '0')}:00Z` : `${addDays(day, 1)}T${hour}:30:00+14:00`;
}

const workspaces = [uniqueWorkspace('diff'), uniqueWorkspace('diff'), uniqueWorkspace('diff')];
const events: EmailEventInput[] = [];
const usage: Array<LlmUsageInput & { micros: number }> = [];
let client: pg.Client;

beforeAll(async () => {
  for (let i = 0; i < 2500; i++) {
    const type = pick(TYPES);
    events.push({
      workspace_id: pick(workspaces),
      campaign_name: pick(CAMPAIGNS),
      contact_email: `c${int(60)}@example.com`,
      event_type: type,
      email_number: next() < 0.1 ? null : 1 + int(7),
      event_ts: timestampOn(addDays(FIRST_DAY, int(DAYS))),
    });
  }
  for (let i = 0; i < 500; i++) {
    const [provider, model] = pick(PROVIDERS);
    const micros = int(2_000_000);
    usage.push({
      workspace_id: pick(workspaces),
      campaign_name: next() < 0.25 ? null : pick(CAMPAIGNS),
      provider, model,
      tokens_in: int(4000), tokens_out: int(800),
      cost_usd: (micros / 1e6).toFixed(6), micros,
      created_at: timestampOn(addDays(FIRST_DAY, int(DAYS))),
    });
  }
  client = await connect({ timezone: 'Asia/Kathmandu' });
  await insertEvents(client, events);
  await insertLlmUsage(client, usage);
  await refreshViewsNow(client);
});

afterAll(async () => {
  await client.end();
});

// Ties in cost are broken like the SQL does (collate "C"): by code point, not by locale.
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const utcDay = (ts: string) => new Date(ts).toISOString().slice(0, 10);

/** What the dashboard must say, computed from the inserted rows alone. */
function oracle(workspace: string, from: string, to: string, campaign: string | null) {
  const inRange = (ts: string) => utcDay(ts) >= from && utcDay(ts) <= to;
  const chosen = events.filter((e) => e.workspace_id === workspace && (campaign === null || e.campaign_name === campaign) && inRange(e.event_ts));
  const spend = usage.filter((u) => u.workspace_id === workspace && (campaign === null || u.campaign_name === campaign) && inRange(u.created_at));
  const count = (type: EventType, list = chosen) => list.filter((e) => e.event_type === type).length;
  const byModel = new Map<string, { provider: string; model: string; micros: number; calls: number; tokens_in: number; tokens_out: number }>();
  for (const u of spend) {
    const key = `${u.provider}/${u.model}`;
    const row = byModel.get(key) ?? { provider: u.provider ?? '', model: u.model ?? '', micros: 0, calls: 0, tokens_in: 0, tokens_out: 0 };
    row.micros += u.micros; row.calls += 1; row.tokens_in += u.tokens_in ?? 0; row.tokens_out += u.tokens_out ?? 0;
    byModel.set(key, row);
  }
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return {
    summary: {
      sends: count('sent'), opens: count('opened'), clicks: count('clicked'), replies: count('replied'),
      bounces: count('bounced'), opt_outs: count('opted_out'),
      unique_contacts: new Set(chosen.map((e) => e.contact_email)).size,
      total_cost_usd: spend.reduce((sum, u) => sum + u.micros, 0) / 1e6,
      llm_calls: spend.length,
      tokens_in: spend.reduce((sum, u) => sum + (u.tokens_in ?? 0), 0),
      tokens_out: spend.reduce((sum, u) => sum + (u.tokens_out ?? 0), 0),
    },
    daily: days.map((day) => {
      const that = chosen.filter((e) => utcDay(e.event_ts) === day);
      return [day, count('sent', that), new Set(that.map((e) => e.contact_email)).size,
        spend.filter((u) => utcDay(u.created_at) === day).reduce((sum, u) => sum + u.micros, 0) / 1e6];
    }),
    // Steps 1-5 always, then every later step with sends (the data has steps up to 7).
    sequence: [1, 2, 3, 4, 5, 6, 7, 8].map((step) => ({ step, sends: chosen.filter((e) => e.event_type === 'sent' && e.email_number === step).length }))
      .filter(({ step, sends }) => step <= 5 || sends > 0),
    models: [...byModel.values()].sort((a, b) => b.micros - a.micros || byteOrder(a.provider, b.provider) || byteOrder(a.model, b.model))
      .map((row) => [row.provider, row.model, row.micros / 1e6, row.calls, row.tokens_in, row.tokens_out]),
  };
}

describe('dashboard differential: mv = raw = oracle', () => {
  it('agrees on 120 random requests', async () => {
    for (let i = 0; i < 120; i++) {
      const start = addDays(FIRST_DAY, int(DAYS + 10) - 5);
      const from = start;
      const to = addDays(start, int(40));
      const workspace = pick(workspaces);
      const campaign = next() < 0.3 ? null : next() < 0.9 ? pick(CAMPAIGNS) : 'no such campaign';
      const params = new URLSearchParams({ workspace_id: workspace, from, to });
      if (campaign !== null) params.set('campaign', campaign);
      const label = `${workspace} ${from}..${to} ${JSON.stringify(campaign)}`;

      const mv = await callRoute<DashboardResponse>(aggregate, `/api/dashboard/aggregate?${params}&source=mv`);
      const raw = await callRoute<DashboardResponse>(aggregate, `/api/dashboard/aggregate?${params}&source=raw`);
      expect(mv.status, label).toBe(200);
      expect(raw.status, label).toBe(200);
      // Byte for byte the same JSON, but for the source named and the freshness ages.
      const comparable = (body: DashboardResponse) => JSON.stringify({ ...body, source: null, freshness: null });
      expect(comparable(raw.body), label).toBe(comparable(mv.body));

      const expected = oracle(workspace, from, to, campaign);
      expect(mv.body.summary, label).toMatchObject(expected.summary);
      expect(mv.body.timeseries.map((d) => [d.day, d.sends, d.unique_contacts, d.cost_usd]), label).toEqual(expected.daily);
      expect(mv.body.sequence, label).toEqual(expected.sequence);
      expect(mv.body.cost_breakdown.map((r) => [r.provider, r.model, r.total_cost_usd, r.call_count, r.tokens_in, r.tokens_out]), label)
        .toEqual(expected.models);
      const { sends, opens, replies } = expected.summary;
      if (sends === 0) expect(mv.body.summary.open_rate, label).toBeNull();
      else {
        expect(mv.body.summary.open_rate ?? NaN, label).toBeCloseTo(opens / sends, 6);
        expect(mv.body.summary.reply_rate ?? NaN, label).toBeCloseTo(replies / sends, 6);
      }
      for (const day of mv.body.timeseries) {
        const sum = Object.values(day.cost_by_provider).reduce((a, b) => a + b, 0);
        expect(sum, `${label} ${day.day}`).toBeCloseTo(day.cost_usd, 6);
      }
    }
  });
});
