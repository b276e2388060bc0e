// Formatting for people, shared by the server render and the browser: counts, rates, money,
// tokens, ages and period-over-period change.
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const smallUsd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 4, maximumFractionDigits: 4 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', minimumFractionDigits: 0, maximumFractionDigits: 1 });

/** 12,345 */
export function formatCount(value: number): string {
  return integer.format(value);
}

/** 23.4 % (a fraction in, a percentage out); an em dash when there is nothing to divide by. */
export function formatRate(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  return `${(value * 100).toFixed(1)}\u00a0%`;
}

/** $1,234.56; amounts under a cent keep four decimals so they do not read as zero. */
export function formatUsd(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  return value !== 0 && Math.abs(value) < 0.01 ? smallUsd.format(value) : usd.format(value);
}

/** 1.2M, 834K, 950 */
export function formatTokens(value: number): string {
  return compact.format(value);
}

/** Change against the previous period, as a fraction; null when the previous period had nothing. */
export function periodChange(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || !Number.isFinite(current) || !Number.isFinite(previous)) return null;
  if (previous === 0) return null;
  return (current - previous) / Math.abs(previous);
}

/** ▲ 12.5 % / ▼ 3.0 % / ± 0.0 % (a change that rounds to nothing); an em dash when there is no change to show. */
export function formatChange(change: number | null): string {
  if (change === null) return '—';
  const percent = Math.abs(change * 100).toFixed(1);
  const arrow = Number(percent) === 0 ? '±' : change > 0 ? '▲' : '▼';
  return `${arrow} ${percent}\u00a0%`;
}

/** ▲ 1.2 pp / ▼ 0.4 pp: a change of a rate in percentage points (a fraction in, points out). */
export function formatPointChange(change: number | null): string {
  if (change === null || !Number.isFinite(change)) return '—';
  const points = Math.round(Math.abs(change) * 1000) / 10;
  const arrow = points === 0 ? '±' : change > 0 ? '▲' : '▼';
  return `${arrow} ${points.toFixed(1)}\u00a0pp`;
}

/** "just now", "3 min ago", "2 h ago", "4 days ago" */
export function formatAge(seconds: number): string {
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  const days = Math.floor(seconds / 86_400);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}

/** A UTC day (YYYY-MM-DD) in the viewer's locale, e.g. "Nov 3" or "3 Nov 2025". */
export function formatDay(day: string, options: { year?: boolean; locale?: string } = {}): string {
  return dateFormat(options.locale, 'short', true, Boolean(options.year)).format(new Date(`${day}T00:00:00Z`));
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/**
 * A UTC date formatter, made once per locale and shape: the server draws every axis label, and a new
 * formatter per label cost more than the rest of a chart.
 */
export function dateFormat(locale: string | undefined, month: 'short' | 'long', day: boolean, year: boolean): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${month}|${day}|${year}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { month, day: day ? 'numeric' : undefined, year: year ? 'numeric' : undefined, timeZone: 'UTC' });
    formatters.set(key, format);
  }
  return format;
}

const usdTickSmall = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 3 });
const usdTickLarge = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', minimumFractionDigits: 0, maximumFractionDigits: 1 });
const usdTickMid = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 0, maximumFractionDigits: 2 });

/** Axis ticks in USD: $0.025 stays $0.025 (not a rounded $0.03), $1,500 reads $1.5K. */
export function formatUsdTick(value: number): string {
  const size = Math.abs(value);
  if (size >= 10_000) return usdTickLarge.format(value);
  return size >= 1 ? usdTickMid.format(value) : usdTickSmall.format(value);
}
