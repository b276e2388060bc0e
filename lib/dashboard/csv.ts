// CSV export of what the page shows (RFC 4180: comma-separated, CRLF line ends, fields quoted
// when they hold a comma, quote or line break). Numbers are the API's own (counts, USD with six
// decimals, rates as fractions of sends), not the rounded figures of the screen, so a spreadsheet
// can sum them. Text that a spreadsheet would run as a formula (a campaign named "=HYPERLINK(…)")
// is prefixed with an apostrophe.
import type { CampaignRow, DashboardResponse } from './response';

export type CsvValue = string | number | null;
export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => CsvValue;
}

function field(value: CsvValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv<Row>(rows: Row[], columns: Array<CsvColumn<Row>>): string {
  const lines = [columns.map((c) => field(c.header)), ...rows.map((row) => columns.map((c) => field(c.value(row))))];
  return `${lines.map((cells) => cells.join(',')).join('\r\n')}\r\n`;
}

/**
 * campaign-analytics_acme_all-campaigns_2025-11-01_2025-11-30_America-New_York_timeseries.csv: what,
 * where and when (days of which zone), safe on every file system.
 */
export function csvFileName(scope: { workspace_id: string; campaign: string | null; from: string; to: string; time_zone: string }, table: string): string {
  const part = (text: string) => text.normalize('NFKD').replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'unnamed';
  const who = [part(scope.workspace_id), scope.campaign === null ? 'all-campaigns' : part(scope.campaign)];
  return `campaign-analytics_${who.join('_')}_${scope.from}_${scope.to}_${part(scope.time_zone)}_${table}.csv`;
}

/**
 * The timeseries: one row per bucket (day, or the first day of a week or month), cost per provider in
 * its own columns. The day column names the zone the days are cut in.
 */
export function timeseriesCsv(data: Pick<DashboardResponse, 'timeseries'>, timeZone: string): string {
  const providers = [...new Set(data.timeseries.flatMap((point) => Object.keys(point.cost_by_provider)))].sort();
  type Point = DashboardResponse['timeseries'][number];
  const counts = ['sends', 'opens', 'clicks', 'replies', 'bounces', 'opt_outs', 'unique_contacts', 'cost_usd'] as const;
  return toCsv<Point>(data.timeseries, [
    { header: `day (${timeZone})`, value: (p) => p.day },
    ...counts.map((key) => ({ header: key, value: (p: Point) => p[key] })),
    ...providers.map((provider) => ({ header: `cost_usd_${provider}`, value: (p: Point) => p.cost_by_provider[provider] ?? 0 })),
  ]);
}

/** The cost table: provider, model, calls, tokens, cost. */
export function costCsv(data: Pick<DashboardResponse, 'cost_breakdown'>): string {
  return toCsv(data.cost_breakdown, [
    { header: 'provider', value: (r) => r.provider },
    { header: 'model', value: (r) => r.model },
    { header: 'call_count', value: (r) => r.call_count },
    { header: 'tokens_in', value: (r) => r.tokens_in },
    { header: 'tokens_out', value: (r) => r.tokens_out },
    { header: 'total_cost_usd', value: (r) => r.total_cost_usd },
  ]);
}

/** The campaign table: every column of the API's rows. */
export function campaignsCsv(rows: CampaignRow[]): string {
  const keys = ['sends', 'opens', 'clicks', 'replies', 'bounces', 'opt_outs', 'unique_contacts', 'open_rate', 'click_rate', 'reply_rate',
    'bounce_rate', 'opt_out_rate', 'total_cost_usd', 'llm_calls', 'cost_per_reply'] as const;
  return toCsv(rows, [
    { header: 'campaign', value: (r) => r.campaign_name },
    ...keys.map((key) => ({ header: key, value: (r: CampaignRow) => r[key] })),
  ]);
}
