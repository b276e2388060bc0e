// The JSON contracts of GET /api/dashboard/aggregate (ARCHITECTURE.md) and /api/dashboard/campaigns,
// as zod schemas shared by the server (validating what the SQL functions return), the SWR hooks and
// the contract tests.
import { z } from 'zod';

/** mv: the views as of the last refresh; raw: the raw tables; live: the views plus the raw rows of buckets written since. */
export const DASHBOARD_SOURCES = ['mv', 'raw', 'live'] as const;
export type DashboardSource = (typeof DASHBOARD_SOURCES)[number];

/** Timeseries buckets: a local day, an ISO week (from the local Monday) or a month (from the 1st), clipped to the range. */
export const DASHBOARD_INTERVALS = ['day', 'week', 'month'] as const;
export type DashboardInterval = (typeof DASHBOARD_INTERVALS)[number];

/** compare=previous: the range's complete days against as many days just before them, in the same answer. */
export const DASHBOARD_COMPARISONS = ['previous'] as const;
export type DashboardComparison = (typeof DASHBOARD_COMPARISONS)[number];

const count = z.number().int().nonnegative();
const money = z.number().nonnegative();
// A fraction of sends (0.25 = 25 %). It can pass 1 when a short range counts the opens or clicks
// of emails sent before it; it is reported as measured, not clamped. null when there were no sends.
const rate = z.number().min(0).nullable().meta({ description: 'A fraction of sends (0.25 = 25 %), rounded to 6 decimals; can pass 1 over short ranges; null without sends.' });
export const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const summarySchema = z.object({
  sends: count, opens: count, clicks: count, replies: count, bounces: count, opt_outs: count,
  unique_contacts: count,
  open_rate: rate, click_rate: rate, reply_rate: rate, bounce_rate: rate, opt_out_rate: rate,
  total_cost_usd: money, llm_calls: count, tokens_in: count, tokens_out: count,
});

// day: the first day of the bucket within the range (with interval=week a range starting on a
// Wednesday opens with a bucket labelled that Wednesday, covering Wednesday to Sunday).
export const timeseriesPointSchema = z.object({
  day: isoDay.meta({ description: 'The first day of the bucket within the range (YYYY-MM-DD, local to the workspace).' }),
  sends: count, opens: count, clicks: count, replies: count, bounces: count, opt_outs: count,
  unique_contacts: count,
  cost_usd: money,
  cost_by_provider: z.record(z.string(), money).meta({ description: 'The bucket\'s LLM cost (USD) per provider with usage in the range.' }),
});

// Steps 1-5 always, then every later step with sends in the range, in order.
export const sequenceStepSchema = z.object({ step: z.number().int().min(1), sends: count });

export const costBreakdownRowSchema = z.object({
  provider: z.string(), model: z.string(),
  total_cost_usd: money, tokens_in: count, tokens_out: count, call_count: count,
});

// last_refreshed: the moment the view's data is current as of (null: never refreshed). pending_buckets:
// (workspace, day) buckets of this workspace written since; raw_buckets: days of this answer read from
// raw rows instead of the view (every day for source raw, the pending ones for live).
export const freshnessRowSchema = z.object({
  view_name: z.string(),
  last_refreshed: z.string().nullable(),
  age_seconds: z.number().int().nullable(),
  pending_buckets: count,
  live: z.boolean(),
  raw_buckets: count,
});

// The day of the range still filling: today in the workspace's zone (the database's clock) when the range holds it.
const partialDay = isoDay.nullable();

const periodSchema = z.object({ from: isoDay, to: isoDay, summary: summarySchema });

// Like for like: current is the range's complete days (the whole range, or up to yesterday when it
// holds today), previous as many days just before it. null when the range has no complete day.
export const comparisonSchema = z.object({ current: periodSchema, previous: periodSchema, partial_day: partialDay });

export const dashboardResponseSchema = z.object({
  workspace_id: z.string(),
  from: isoDay,
  to: isoDay,
  campaign: z.string().nullable(),
  source: z.enum(DASHBOARD_SOURCES),
  time_zone: z.string().meta({ description: 'The IANA zone every day of the answer is cut in (the workspace\'s; for source mv, as of the last refresh).' }),
  interval: z.enum(DASHBOARD_INTERVALS),
  partial_day: partialDay,
  summary: summarySchema,
  timeseries: z.array(timeseriesPointSchema),
  sequence: z.array(sequenceStepSchema),
  cost_breakdown: z.array(costBreakdownRowSchema),
  freshness: z.array(freshnessRowSchema),
  comparison: comparisonSchema.nullable().optional()
    .meta({ description: 'Present only with compare=previous; null when the range has no complete day.' }),
});

export type DashboardResponse = z.infer<typeof dashboardResponseSchema>;
export type DashboardSummary = z.infer<typeof summarySchema>;
export type TimeseriesPoint = z.infer<typeof timeseriesPointSchema>;
export type CostBreakdownRow = z.infer<typeof costBreakdownRowSchema>;
export type FreshnessRow = z.infer<typeof freshnessRowSchema>;
export type Comparison = z.infer<typeof comparisonSchema>;

/** GET /api/dashboard/campaigns: every campaign with email events or LLM usage in the range, side by side. */
export const campaignRowSchema = z.object({
  campaign_name: z.string(),
  sends: count, opens: count, clicks: count, replies: count, bounces: count, opt_outs: count,
  unique_contacts: count,
  open_rate: rate, click_rate: rate, reply_rate: rate, bounce_rate: rate, opt_out_rate: rate,
  total_cost_usd: money, llm_calls: count,
  cost_per_reply: money.nullable().meta({ description: 'USD per reply, null without replies.' }),
});

export const campaignsResponseSchema = z.object({
  workspace_id: z.string(),
  from: isoDay,
  to: isoDay,
  campaign: z.string().nullable(),
  source: z.enum(DASHBOARD_SOURCES),
  time_zone: z.string(),
  partial_day: partialDay,
  campaigns: z.array(campaignRowSchema).meta({ description: 'Sorted by sends, highest first, then by name (code point order).' }),
  unattributed: z.object({ total_cost_usd: money, llm_calls: count }).meta({ description: 'LLM usage tied to no campaign (zero when one campaign is asked for).' }),
  freshness: z.array(freshnessRowSchema),
});
export type CampaignRow = z.infer<typeof campaignRowSchema>;
export type CampaignsResponse = z.infer<typeof campaignsResponseSchema>;

/** GET /api/dashboard/workspaces: what the filters offer. */
export const workspacesResponseSchema = z.object({
  workspaces: z.array(z.object({
    workspace_id: z.string(),
    first_day: isoDay.nullable(),
    last_day: isoDay.nullable(),
    campaigns: z.array(z.object({ campaign_name: z.string(), first_day: isoDay, last_day: isoDay })),
    time_zone: z.string().meta({ description: 'The workspace\'s IANA time zone: its days start at midnight there.' }),
    role: z.enum(['viewer', 'admin']).optional().meta({ description: 'The signed-in user\'s role there (absent without sign-in).' }),
  })),
});
export type WorkspacesResponse = z.infer<typeof workspacesResponseSchema>;

/** GET/PUT /api/dashboard/time-zone: a workspace's zone, and the zone its views are cut in until the next refresh. */
export const workspaceTimeZoneSchema = z.object({
  workspace_id: z.string(),
  time_zone: z.string(),
  views_time_zone: z.string(),
  rebuild_pending: z.boolean().meta({ description: 'The zone was changed since the views were cut: the next refresh rebuilds the workspace in it.' }),
});
export type WorkspaceTimeZone = z.infer<typeof workspaceTimeZoneSchema>;

/** GET /api/dashboard/time-zones: every zone a workspace may take, with its offset from UTC now. */
export const timeZonesResponseSchema = z.object({
  time_zones: z.array(z.object({ name: z.string(), utc_offset_minutes: z.number().int() })),
});
export type TimeZonesResponse = z.infer<typeof timeZonesResponseSchema>;
