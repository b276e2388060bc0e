// Alerts in words, for people: a Slack message, the page's banner and panel, the CLI's list. One
// wording everywhere. Free of server imports.
import type { AlertMetric, AlertPayload } from './schema';

const METRIC_NAMES: Record<AlertMetric, string> = {
  llm_cost: 'LLM spend',
  bounce_rate: 'Bounce rate',
  opt_out_rate: 'Opt-out rate',
  reply_rate: 'Reply rate',
  stale_views: 'Views age',
};

export function metricName(metric: AlertMetric): string {
  return METRIC_NAMES[metric];
}

/** A metric's value as people read it: USD, a percentage, or seconds. */
export function formatMetricValue(metric: AlertMetric, value: number | null): string {
  if (value === null) return 'n/a';
  if (metric === 'llm_cost') return `$${value.toFixed(2)}`;
  if (metric === 'stale_views') return `${Math.round(value)} s`;
  return `${(value * 100).toFixed(value < 0.01 ? 2 : 1)} %`;
}

/** "bounce rate above 5.0 % over 24h, campaign X" / "LLM spend above $100.00 per month, provider openai". */
export function describeCondition(rule: {
  metric: AlertMetric; direction: 'above' | 'below'; threshold: number; window?: string | null; period?: string | null;
  campaign?: string | null; provider?: string | null;
}): string {
  const scope = [
    rule.window ? `over ${rule.window}` : null,
    rule.period ? `per ${rule.period}` : null,
    rule.campaign ? `campaign “${rule.campaign}”` : null,
    rule.provider ? `provider ${rule.provider}` : null,
  ].filter(Boolean).join(', ');
  return `${metricName(rule.metric)} ${rule.direction} ${formatMetricValue(rule.metric, rule.threshold)}${scope ? ` ${scope}` : ''}`;
}

/** "2025-03-10 13:00 UTC": an instant of a payload, the same for every reader. */
export function formatInstant(at: string | null | undefined): string {
  if (!at) return 'now';
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? at : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The headline of a notification: what fired or resolved, where, and the value against the threshold. */
export function describeNotification(payload: AlertPayload): string {
  if (payload.type === 'alert.test' || payload.metric === null) {
    return `Test notification from the campaign analytics dashboard${payload.workspace_id ? ` (workspace ${payload.workspace_id})` : ''}: this channel works.`;
  }
  const what = describeCondition({
    metric: payload.metric, direction: payload.direction ?? 'above', threshold: payload.threshold ?? 0,
    window: payload.window, period: payload.period, campaign: payload.campaign, provider: payload.provider,
  });
  const where = payload.workspace_id ? `workspace ${payload.workspace_id}` : 'operators';
  const days = payload.from && payload.to ? `, ${payload.from === payload.to ? payload.from : `${payload.from} – ${payload.to}`}${payload.time_zone ? ` (${payload.time_zone})` : ''}` : '';
  const value = formatMetricValue(payload.metric, payload.value);
  if (payload.type === 'alert.resolved') {
    const why = payload.reason === 'period_ended' ? ' (a new period began)' : '';
    return `Resolved${why}: ${what} in ${where}; now ${value}${days}.`;
  }
  return `${payload.reminder ? 'Still firing' : 'Firing'}: ${what} in ${where}; now ${value}${days}, since ${formatInstant(payload.since)}.`;
}
