// The alerts' contracts: what an admin sends (a rule, a channel), what the API answers (a workspace's
// rules and channels), and what a notification carries. zod schemas shared by the routes, the CLI
// and the contract tests; free of server imports (the page uses the types).
import { z } from 'zod';
import { ALERT_METRICS, ALERT_PERIODS, ALERT_WINDOWS, CHANNEL_KINDS, RATE_METRICS } from './metrics';

export { ALERT_METRICS, ALERT_PERIODS, ALERT_WINDOWS, CHANNEL_KINDS, DEFAULT_MIN_SENDS, DEFAULT_STALE_SECONDS, RATE_METRICS } from './metrics';
export type { AlertMetric, ChannelKind } from './metrics';

const count = (name: string, max: number) => z.number(`${name} must be a number`).int(`${name} must be a whole number`).min(1, `${name} must be at least 1`).max(max, `${name} must be at most ${max}`);
const label = (name: string) => z.string(`${name} must be a string`).min(1, `${name} must not be empty`).max(200, `${name} must be at most 200 characters`)
  .refine((value) => !value.includes('\u0000'), `${name} must not contain NUL`);

/**
 * A rule as an admin writes it. Which fields a metric takes is checked here (and again by the
 * table's constraint): llm_cost takes a period (and optionally a campaign or provider), the rates a
 * window (and a campaign, a minimum of sends), stale_views nothing but a threshold in seconds.
 */
export const ruleInputSchema = z.strictObject({
  metric: z.enum(ALERT_METRICS, `metric must be one of ${ALERT_METRICS.join(', ')}`),
  direction: z.enum(['above', 'below'], 'direction must be above or below'),
  threshold: z.number('threshold must be a number').nonnegative('threshold must not be negative').max(1e12),
  window: z.enum(ALERT_WINDOWS, 'window must be 24h or 7d').nullable().optional(),
  period: z.enum(ALERT_PERIODS, 'period must be day or month').nullable().optional(),
  min_sends: z.number('min_sends must be a number').int().min(0).max(1e9).optional(),
  campaign: label('campaign').nullable().optional(),
  provider: label('provider').nullable().optional(),
  for: count('for', 1000).optional(),
  resolve_after: count('resolve_after', 1000).optional(),
  repeat_every_seconds: z.number().int().min(60, 'repeat_every_seconds must be at least 60').max(30 * 86_400).nullable().optional(),
  channel_id: z.uuid('channel_id must be the id of one of the workspace\'s channels'),
}).superRefine((rule, ctx) => {
  const refuse = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  const rate = RATE_METRICS.includes(rule.metric);
  if (rule.metric !== 'stale_views' && rule.metric !== 'llm_cost' && !rate) return;
  if (rule.metric === 'llm_cost' || rule.metric === 'stale_views') {
    if (rule.direction !== 'above') refuse('direction', `${rule.metric} alerts when it is above the threshold`);
    if (rule.window) refuse('window', `window is for rate metrics; ${rule.metric === 'llm_cost' ? 'llm_cost takes a period (day or month)' : 'stale_views takes none'}`);
  }
  if (rule.metric === 'llm_cost' && !rule.period) refuse('period', 'llm_cost needs a period: day or month (local to the workspace)');
  if (rule.metric !== 'llm_cost' && rule.period) refuse('period', 'period is for llm_cost only');
  if (rule.metric !== 'llm_cost' && rule.provider) refuse('provider', 'provider is for llm_cost only');
  if (rate && !rule.window) refuse('window', `${rule.metric} needs a window: 24h or 7d`);
  if (rate && rule.threshold > 1) refuse('threshold', 'rates are fractions: 0.05 is 5 %');
  if (rule.metric === 'stale_views' && rule.campaign) refuse('campaign', 'stale_views is about every view, not a campaign');
});
export type RuleInput = z.infer<typeof ruleInputSchema>;

export const channelInputSchema = z.strictObject({
  kind: z.enum(CHANNEL_KINDS, 'kind must be webhook or slack'),
  url: z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }).max(2000),
  name: z.string().max(200).optional(),
});
export type ChannelInput = z.infer<typeof channelInputSchema>;

const instant = z.string().nullable();

export const deliverySchema = z.object({
  id: z.number().int(),
  message_id: z.string(),
  type: z.enum(['alert.firing', 'alert.resolved', 'alert.test']),
  /** retrying: pending after a failed attempt. */
  status: z.enum(['pending', 'retrying', 'sent', 'failed']),
  attempts: z.number().int(),
  http_status: z.number().int().nullable(),
  error: z.string().nullable(),
  created_at: z.string(),
  sent_at: instant,
  next_attempt_at: instant,
});
export type Delivery = z.infer<typeof deliverySchema>;

export const ruleSchema = z.object({
  id: z.string(),
  workspace_id: z.string().nullable(),
  metric: z.enum(ALERT_METRICS),
  direction: z.enum(['above', 'below']),
  threshold: z.number(),
  window: z.enum(ALERT_WINDOWS).nullable(),
  period: z.enum(ALERT_PERIODS).nullable(),
  min_sends: z.number().int(),
  campaign: z.string().nullable(),
  provider: z.string().nullable(),
  for: z.number().int(),
  resolve_after: z.number().int(),
  repeat_every_seconds: z.number().int().nullable(),
  channel_id: z.string(),
  state: z.enum(['ok', 'pending', 'firing']),
  since: instant,
  value: z.number().nullable(),
  sends: z.number().int().nullable(),
  last_evaluated_at: instant,
  last_fired_at: instant,
  last_resolved_at: instant,
  created_at: z.string(),
  deliveries: z.array(deliverySchema),
});
export type AlertRule = z.infer<typeof ruleSchema>;

export const channelSchema = z.object({
  id: z.string(),
  kind: z.enum(CHANNEL_KINDS),
  name: z.string(),
  /** Scheme and host only, for admins; absent for viewers. The whole URL is never sent back. */
  url_hint: z.string().nullable().optional(),
  disabled_at: instant.optional(),
  disabled_reason: z.string().nullable().optional(),
  consecutive_failures: z.number().int().optional(),
  created_at: z.string(),
});
export type AlertChannel = z.infer<typeof channelSchema>;

/** POST /api/dashboard/alerts/rules and PUT …/rules/:id: the rule as saved. */
export const ruleResponseSchema = z.object({ rule: ruleSchema });
export type RuleResponse = z.infer<typeof ruleResponseSchema>;

/** POST /api/dashboard/alerts/channels: the channel, and a webhook's signing secret, shown this once (null for Slack). */
export const channelCreatedSchema = z.object({
  channel: channelSchema,
  secret: z.string().nullable().meta({ description: 'A webhook\'s Standard Webhooks signing secret (whsec_…), shown this once; null for Slack.' }),
});
export type ChannelCreated = z.infer<typeof channelCreatedSchema>;

/** What one pass of the deliverer did with the notifications it took. */
export const deliverySummarySchema = z.object({
  attempted: z.number().int().nonnegative(),
  sent: z.number().int().nonnegative(),
  /** Failed now, to be tried again later. */
  retrying: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Left for the next tick: the pass ran out of time. */
  deferred: z.number().int().nonnegative(),
});
export type DeliverySummary = z.infer<typeof deliverySummarySchema>;

/** POST /api/dashboard/alerts/channels/:id/test: what happened to the test notification. */
export const channelTestResponseSchema = z.object({ delivery: deliverySummarySchema });
export type ChannelTestResponse = z.infer<typeof channelTestResponseSchema>;

/** GET /api/dashboard/alerts: a workspace's channels and rules, and the reader's role. */
export const alertsResponseSchema = z.object({
  workspace_id: z.string().nullable(),
  role: z.enum(['viewer', 'admin']).optional(),
  channels: z.array(channelSchema),
  rules: z.array(ruleSchema),
});
export type AlertsResponse = z.infer<typeof alertsResponseSchema>;

/** What alerts_evaluate() answers. */
export const evaluationSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('evaluated'), scope: z.enum(['all', 'operators']), evaluated: z.number().int(), fired: z.number().int(),
    resolved: z.number().int(), reminded: z.number().int(), rearmed: z.number().int(), duration_ms: z.number(),
  }),
  z.object({ status: z.literal('skipped'), reason: z.string() }),
]);
export type Evaluation = z.infer<typeof evaluationSchema>;

/** One notification as the outbox holds it (alert_payload()); the webhook body adds dashboard_url. */
export const payloadSchema = z.object({
  type: z.enum(['alert.firing', 'alert.resolved', 'alert.test']),
  rule_id: z.string().nullable(),
  workspace_id: z.string().nullable(),
  metric: z.enum(ALERT_METRICS).nullable(),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  since: z.string().nullable(),
  at: z.string().nullable().optional(),
  direction: z.enum(['above', 'below']).optional(),
  campaign: z.string().nullable().optional(),
  provider: z.string().nullable().optional(),
  window: z.enum(ALERT_WINDOWS).nullable().optional(),
  period: z.enum(ALERT_PERIODS).nullable().optional(),
  from: z.string().nullable().optional(),
  to: z.string().nullable().optional(),
  sends: z.number().int().nullable().optional(),
  time_zone: z.string().nullable().optional(),
  reminder: z.boolean().optional(),
  reason: z.string().optional(),
  dashboard_path: z.string(),
}).loose();
export type AlertPayload = z.infer<typeof payloadSchema>;

/** A notification leased to the deliverer, with its channel (server only: url and secret). */
export const claimedSchema = z.object({
  workspace_id: z.string(),
  id: z.number().int(),
  message_id: z.string(),
  event_type: z.enum(['alert.firing', 'alert.resolved', 'alert.test']),
  payload: payloadSchema,
  attempts: z.number().int(),
  channel: z.object({ id: z.string(), kind: z.enum(CHANNEL_KINDS), url: z.string(), secret: z.string().nullable() }),
});
export type ClaimedDelivery = z.infer<typeof claimedSchema>;
