// Deterministic synthetic outreach data, generated inside Postgres (INSERT ... SELECT over
// generate_series) so millions of rows never pass through Node. Used by `npm run seed`, the dev
// launcher and the benchmark.
import type { ClientBase } from 'pg';

export interface DemoDataOptions {
  /** Exact number of email_events rows to add. */
  events: number;
  /** Same seed and options, same rows. */
  seed: number;
  /** Days of history ending today (UTC). */
  days: number;
  /** Prepended to every workspace id, so a test can keep its rows apart in a shared database. */
  workspacePrefix?: string;
  /** Called after every chunk with the email events written so far. */
  onProgress?: (eventsWritten: number) => void;
}

export interface DemoDataResult {
  events: number;
  llmCalls: number;
  enrollments: number;
}

// Workspaces of different sizes, campaign names that test escaping (quotes, %, _, unicode).
const CAMPAIGNS: Array<[workspace: string, campaign: string]> = [
  ['acme', 'Q3 Founders Outreach'], ['acme', 'SaaS CFOs (EU)'], ['acme', "O'Reilly follow-up"],
  ['acme', '100% Pipeline_2025'], ['acme', 'Re-engage: churned trials'], ['acme', 'Webinar — invitees'],
  ['acme', 'Series A CTOs'], ['acme', 'Partner intro'], ['acme', 'Events: SaaStr'], ['acme', 'Agencies NA'],
  ['globex', 'Enterprise IT leaders'], ['globex', 'Retail ops'], ['globex', 'Manufacturing DACH'],
  ['globex', 'Logistics – Nordics'], ['globex', 'CISO briefing'], ['globex', 'Healthcare RevOps'],
  ['globex', 'Public sector'], ['globex', 'Upsell: growth tier'],
  ['initech', 'Café owners São Paulo'], ['initech', 'Restaurants NYC'], ['initech', 'Hotels Lisboa'],
  ['initech', 'Franchise owners'], ['initech', 'Beta waitlist'], ['initech', 'Referral ask'],
  ['umbrella', 'Clinics pilot'], ['umbrella', 'Biotech founders'], ['umbrella', 'Lab managers'],
  ['umbrella', 'Conference follow-up'],
  ['stark', 'Hardware startups'], ['stark', 'Investors update'], ['stark', 'Design partners'],
];

/** The demo workspaces (npm run dev makes its demo user an admin of each). */
export const DEMO_WORKSPACES: string[] = [...new Set(CAMPAIGNS.map(([workspace]) => workspace))];

/**
 * Each demo workspace's time zone (half- and three-quarter-hour ones among them) and its usual offset
 * from UTC in minutes: the demo's teams work 07:00-18:00 of their own day.
 */
export const DEMO_TIME_ZONES: Record<string, [zone: string, utcOffsetMinutes: number]> = {
  acme: ['America/New_York', -300],
  globex: ['Europe/Berlin', 60],
  initech: ['Asia/Kolkata', 330],
  umbrella: ['Asia/Kathmandu', 345],
  stark: ['UTC', 0],
};

// [provider, model, USD per 1M input tokens, USD per 1M output tokens, relative use]
const MODELS: Array<[string, string, number, number, number]> = [
  ['openai', 'gpt-4o-mini', 0.15, 0.6, 30],
  ['openai', 'gpt-4.1', 2.0, 8.0, 8],
  ['anthropic', 'claude-sonnet-4', 3.0, 15.0, 10],
  ['anthropic', 'claude-haiku-3.5', 0.8, 4.0, 14],
  ['google', 'gemini-2.0-flash', 0.1, 0.4, 20],
  ['mistral', 'mistral-small', 0.2, 0.6, 6],
];

const ENROLLMENTS_PER_CHUNK = 25_000;
const EVENTS_PER_ENROLLMENT = 6; // a little under the mean, so chunks rarely overshoot

export async function seedDemoData(client: ClientBase, options: DemoDataOptions): Promise<DemoDataResult> {
  const { events, seed, days } = options;
  if (!Number.isInteger(events) || events < 0) throw new Error('events must be a whole number >= 0');
  if (!Number.isInteger(days) || days < 1) throw new Error('days must be a whole number >= 1');
  await prepare(client, seed, days, events, options.workspacePrefix ?? '');
  let written = 0;
  let llmCalls = 0;
  let nextEnrollment = 0;
  while (written < events) {
    const remaining = events - written;
    const count = Math.min(ENROLLMENTS_PER_CHUNK, Math.max(50, Math.ceil(remaining / EVENTS_PER_ENROLLMENT)));
    const inserted = await client.query(INSERT_EVENTS, [nextEnrollment, nextEnrollment + count, remaining]);
    const llm = await client.query(INSERT_LLM_USAGE, [nextEnrollment, nextEnrollment + count]);
    written += inserted.rowCount ?? 0;
    llmCalls += llm.rowCount ?? 0;
    nextEnrollment += count;
    options.onProgress?.(written);
  }
  await client.query('analyze public.email_events; analyze public.llm_usage');
  return { events: written, llmCalls, enrollments: nextEnrollment };
}

async function prepare(client: ClientBase, seed: number, days: number, events: number, workspacePrefix: string): Promise<void> {
  // Contacts per workspace: each is enrolled in about three campaigns over the period.
  const contactsPerWorkspace = Math.max(50, Math.round(events / EVENTS_PER_ENROLLMENT / 3 / 5));
  await client.query(`
    create temporary table if not exists seed_campaigns (idx int primary key, workspace_id text, campaign_name text, step_gap_days int, utc_offset_minutes int);
    create temporary table if not exists seed_models (idx int primary key, provider text, model text, price_in numeric, price_out numeric, cum_from float8, cum_to float8);
    create temporary table if not exists seed_settings (seed bigint, days int, contacts int, n_campaigns int, today timestamptz);
    truncate seed_campaigns, seed_models, seed_settings;
    -- Uniform in [0,1), a pure function of (n, salt, seed): parallel-safe and repeatable.
    create or replace function pg_temp.rnd(n bigint, salt int, seed bigint) returns float8
      language sql immutable parallel safe
      as 'select (hashint8extended(n * 64 + salt, seed) & 2147483647)::float8 / 2147483648';
  `);
  const campaignRows = CAMPAIGNS.map(([workspace], i) => `(${i}, $${2 * i + 1}, $${2 * i + 2}, ${2 + (i % 3)}, ${DEMO_TIME_ZONES[workspace]?.[1] ?? 0})`).join(',');
  await client.query(`insert into seed_campaigns values ${campaignRows}`, CAMPAIGNS.flatMap(([workspace, campaign]) => [workspacePrefix + workspace, campaign]));
  // The demo workspaces' zones, unless someone chose one already (and unless the schema predates
  // zones: bench --before seeds the schema of an earlier build).
  const zones = (await client.query(`select to_regclass('public.workspace_settings') is not null as ok`)).rows[0].ok === true;
  for (const [workspace, [zone]] of zones ? Object.entries(DEMO_TIME_ZONES) : []) {
    await client.query('insert into public.workspace_settings (workspace_id, time_zone) values ($1, $2) on conflict (workspace_id) do nothing',
      [workspacePrefix + workspace, zone]);
  }
  const totalWeight = MODELS.reduce((sum, m) => sum + m[4], 0);
  let cumulative = 0;
  for (const [i, [provider, model, priceIn, priceOut, weight]] of MODELS.entries()) {
    await client.query('insert into seed_models values ($1, $2, $3, $4, $5, $6, $7)',
      [i, provider, model, priceIn, priceOut, cumulative / totalWeight, (cumulative + weight) / totalWeight]);
    cumulative += weight;
  }
  await client.query(
    `insert into seed_settings values ($1, $2, $3, $4, date_trunc('day', now() at time zone 'UTC') at time zone 'UTC')`,
    [seed, days, contactsPerWorkspace, CAMPAIGNS.length],
  );
}

// One enrollment = one contact entering one campaign's sequence of 1..7 steps. Each step sends,
// and may be opened, then clicked; replies, bounces (step 1, ends the sequence) and opt-outs follow.
// The "offset 0" fences stop the planner from flattening these subqueries: flattened, every use of
// start_ts, sent_ts or open_ts re-evaluated its hashes and intervals (and every row its format()),
// which made generation about 3x slower. The rows, and their order, are the same either way.
const ENROLLMENTS = `
  select e, c.workspace_id, c.campaign_name, c.step_gap_days, c.utc_offset_minutes,
         format('%s.%s@%s', (array['alex','sam','maria','li','noah','emma','omar','yuki','lea','raj'])[1 + (contact % 10)],
                contact, (array['example.com','mail.test','acme.io','corp.dev','shop.net','uni.edu'])[1 + (contact % 6)]) as contact_email,
         s.today - make_interval(days => 1 + floor(pg_temp.rnd(e, 3, s.seed) * s.days)::int)
                 + make_interval(mins => 7 * 60 - c.utc_offset_minutes + floor(pg_temp.rnd(e, 4, s.seed) * 11 * 60)::int) as start_ts,
         pg_temp.rnd(e, 5, s.seed) < 0.04 as bounced,
         case when pg_temp.rnd(e, 5, s.seed) < 0.04 then 1 else 1 + floor(pg_temp.rnd(e, 6, s.seed) * 7)::int end as steps,
         s.seed
  from generate_series($1::bigint, $2::bigint - 1) e
  cross join seed_settings s
  cross join lateral (select floor(pg_temp.rnd(e, 2, s.seed) * s.contacts)::bigint as contact) k
  join seed_campaigns c on c.idx = floor(pg_temp.rnd(e, 1, s.seed) * s.n_campaigns)::int
  offset 0`;

const INSERT_EVENTS = `
  insert into public.email_events (workspace_id, campaign_name, contact_email, event_type, email_number, event_ts)
  select workspace_id, campaign_name, contact_email, event_type, step, ts
  from (
    select en.workspace_id, en.campaign_name, en.contact_email, step, ev.event_type, ev.ts, ev.happens
    from (${ENROLLMENTS}) en
    cross join lateral generate_series(1, en.steps) step
    cross join lateral (select en.start_ts + make_interval(days => (step - 1) * en.step_gap_days) as sent_ts,
                               en.e * 8 + step as k offset 0) st
    cross join lateral (select pg_temp.rnd(st.k, 11, en.seed) < 0.48 and not en.bounced as opened,
                               st.sent_ts + make_interval(mins => floor(pg_temp.rnd(st.k, 21, en.seed) * 36 * 60)::int) as open_ts offset 0) o
    cross join lateral (values
      ('sent',      st.sent_ts, true),
      ('bounced',   st.sent_ts + interval '4 minutes', en.bounced),
      ('opened',    o.open_ts, o.opened),
      ('clicked',   o.open_ts + make_interval(mins => 1 + floor(pg_temp.rnd(st.k, 22, en.seed) * 120)::int),
                    o.opened and pg_temp.rnd(st.k, 12, en.seed) < 0.22),
      ('replied',   st.sent_ts + make_interval(mins => 20 + floor(pg_temp.rnd(st.k, 23, en.seed) * 72 * 60)::int),
                    not en.bounced and pg_temp.rnd(st.k, 13, en.seed) < 0.035),
      ('opted_out', o.open_ts + interval '9 minutes', o.opened and pg_temp.rnd(st.k, 14, en.seed) < 0.012)
    ) ev(event_type, ts, happens)
  ) candidate
  where happens and ts < (select now())
  limit $3`;

// One drafting call per enrollment (tied to its campaign); about one in six enrollments also
// triggers research usage that belongs to no campaign.
const INSERT_LLM_USAGE = `
  insert into public.llm_usage (workspace_id, campaign_name, provider, model, tokens_in, tokens_out, cost_usd, purpose, created_at)
  select u.workspace_id, u.campaign_name, m.provider, m.model, u.tokens_in, u.tokens_out,
         round((u.tokens_in * m.price_in + u.tokens_out * m.price_out) / 1000000, 6), u.purpose, u.ts
  from (
    select en.workspace_id, en.campaign_name, 'sequence_draft' as purpose, en.start_ts - interval '50 minutes' as ts,
           400 + floor(pg_temp.rnd(en.e, 31, en.seed) * 2600)::int as tokens_in,
           80 + floor(pg_temp.rnd(en.e, 32, en.seed) * 700)::int as tokens_out,
           pg_temp.rnd(en.e, 33, en.seed) as pick
    from (${ENROLLMENTS}) en
    union all
    select en.workspace_id, null, 'prospect_research', en.start_ts - interval '3 hours',
           1500 + floor(pg_temp.rnd(en.e, 41, en.seed) * 6000)::int,
           150 + floor(pg_temp.rnd(en.e, 42, en.seed) * 500)::int,
           pg_temp.rnd(en.e, 43, en.seed)
    from (${ENROLLMENTS}) en
    where pg_temp.rnd(en.e, 44, en.seed) < 0.17
  ) u
  join seed_models m on u.pick >= m.cum_from and u.pick < m.cum_to
  where u.ts < (select now())`;
