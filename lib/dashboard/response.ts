// The JSON contract of GET /api/dashboard/aggregate (ARCHITECTURE.md), as one zod schema shared
// by the server (validating what the SQL function returns), the SWR hooks and the contract tests.
import { z } from 'zod';

/** mv: the views as of the last refresh; raw: the raw tables; live: the views plus the raw rows of buckets written since. */
export const DASHBOARD_SOURCES = ['mv', 'raw', 'live'] as const;
export type DashboardSource = (typeof DASHBOARD_SOURCES)[number];

const count = z.number().int().nonnegative();
const money = z.number().nonnegative();
// A fraction of sends (0.25 = 25 %). It can pass 1 when a short range counts the opens or clicks
// of emails sent before it; it is reported as measured, not clamped. null when there were no sends.
const rate = z.number().min(0).nullable();
export const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const summarySchema = z.object({
  sends: count, opens: count, clicks: count, replies: count, bounces: count, opt_outs: count,
  unique_contacts: count,
  open_rate: rate, click_rate: rate, reply_rate: rate, bounce_rate: rate, opt_out_rate: rate,
  total_cost_usd: money, llm_calls: count, tokens_in: count, tokens_out: count,
});

export const timeseriesPointSchema = z.object({
  day: isoDay,
  sends: count, opens: count, clicks: count, replies: count, bounces: count, opt_outs: count,
  unique_contacts: count,
  cost_usd: money,
  cost_by_provider: z.record(z.string(), money),
});

export const sequenceStepSchema = z.object({ step: z.number().int().min(1).max(5), sends: count });

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

export const dashboardResponseSchema = z.object({
  workspace_id: z.string(),
  from: isoDay,
  to: isoDay,
  campaign: z.string().nullable(),
  source: z.enum(DASHBOARD_SOURCES),
  summary: summarySchema,
  timeseries: z.array(timeseriesPointSchema),
  sequence: z.array(sequenceStepSchema),
  cost_breakdown: z.array(costBreakdownRowSchema),
  freshness: z.array(freshnessRowSchema),
});

export type DashboardResponse = z.infer<typeof dashboardResponseSchema>;
export type DashboardSummary = z.infer<typeof summarySchema>;
export type TimeseriesPoint = z.infer<typeof timeseriesPointSchema>;
export type CostBreakdownRow = z.infer<typeof costBreakdownRowSchema>;
export type FreshnessRow = z.infer<typeof freshnessRowSchema>;

/** GET /api/dashboard/workspaces: what the filters offer. */
export const workspacesResponseSchema = z.object({
  workspaces: z.array(z.object({
    workspace_id: z.string(),
    first_day: isoDay.nullable(),
    last_day: isoDay.nullable(),
    campaigns: z.array(z.object({ campaign_name: z.string(), first_day: isoDay, last_day: isoDay })),
    /** The signed-in user's role there (absent in open mode, DASHBOARD_AUTH=off). */
    role: z.enum(['viewer', 'admin']).optional(),
  })),
});
export type WorkspacesResponse = z.infer<typeof workspacesResponseSchema>;
