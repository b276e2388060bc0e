// The alerts' vocabulary: metrics, windows, periods, channel kinds and defaults. Free of zod, so the
// page's form uses it without loading the validation library (the server validates).
export const ALERT_METRICS = ['llm_cost', 'bounce_rate', 'opt_out_rate', 'reply_rate', 'stale_views'] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];
export const RATE_METRICS: readonly AlertMetric[] = ['bounce_rate', 'opt_out_rate', 'reply_rate'];
export const ALERT_WINDOWS = ['24h', '7d'] as const;
export const ALERT_PERIODS = ['day', 'month'] as const;
export const CHANNEL_KINDS = ['webhook', 'slack'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** The spec's stale threshold, the default of a stale_views rule. */
export const DEFAULT_STALE_SECONDS = 600;
/** Below this many sends in its window a rate rule stays quiet (a 1-in-2 bounce rate is noise). */
export const DEFAULT_MIN_SENDS = 100;

