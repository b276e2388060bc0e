// Calendar days (YYYY-MM-DD strings) of a workspace's time zone, and the ranges the dashboard speaks
// of: free of server imports, so the page and the API share one definition. The limits mirror the
// API contract (ARCHITECTURE.md): ranges are inclusive, at most 366 days, 30 days ending today (in the
// workspace's zone) by default. Day arithmetic is on dates alone, so it is the same in every zone.
export const MAX_SPAN_DAYS = 366;
export const DEFAULT_SPAN_DAYS = 30;
const DAY_MS = 86_400_000;

export interface DayRange {
  from: string;
  to: string;
}

/** The UTC calendar day of an instant (day arithmetic below works on such dates). */
export function toDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * Today's date in an IANA time zone (the workspace's), as YYYY-MM-DD. The server's answers carry the
 * database's own "today"; this serves the page's presets between answers. A zone this runtime does
 * not know counts as UTC.
 */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      return toDay(now);
    }
    dayFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(now).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

export function addDays(day: string, days: number): string {
  return toDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The same day `months` months earlier or later, clamped to the month's last day (Mar 31 − 1 month = Feb 28). */
export function addMonths(day: string, months: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(year, month - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(date, last));
  return toDay(first);
}

/** A real calendar day written YYYY-MM-DD (2025-02-30 is not one), in the years Postgres and we agree on. */
export function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && year >= 1900 && year <= 9999;
}

/**
 * The days a range stands for when one end or both are missing (the API's defaults): no `to` reaches
 * today (or `from`, if later); no `from` looks back 30 days from `to`.
 */
export function defaultDays(range: { from?: string; to?: string }, today: string): DayRange {
  const to = range.to || (range.from && range.from > today ? range.from : today);
  return { from: range.from || addDays(to, -(DEFAULT_SPAN_DAYS - 1)), to };
}

/** The period of the same length just before [from, to] (for period-over-period change). */
export function previousPeriod(range: DayRange): DayRange {
  const length = daysBetween(range.from, range.to) + 1;
  return { from: addDays(range.from, -length), to: addDays(range.from, -1) };
}

/** Why a range cannot be asked for, or null when it can. */
export function rangeProblem(from: string, to: string): string | null {
  if (!isDay(from)) return `“${from.slice(0, 40)}” is not a date like 2025-11-01`;
  if (!isDay(to)) return `“${to.slice(0, 40)}” is not a date like 2025-11-01`;
  if (from > to) return 'the start is after the end';
  if (daysBetween(from, to) + 1 > MAX_SPAN_DAYS) return `it spans more than ${MAX_SPAN_DAYS} days`;
  return null;
}

/**
 * Ranges relative to today (in the workspace's zone), for addresses that keep their meaning: a link to `range=30d` shows
 * the last 30 days whenever it is opened, and an open tab moves past midnight with it. Each ends
 * today; `12m` starts the day after the same date a year ago, `mtd` on the 1st, `ytd` on January 1st.
 */
export const RELATIVE_RANGES = [
  { id: '7d', label: '7d', title: 'the last 7 days' },
  { id: '30d', label: '30d', title: 'the last 30 days' },
  { id: '90d', label: '90d', title: 'the last 90 days' },
  { id: '12m', label: '12m', title: 'the last 12 months' },
  { id: 'mtd', label: 'MTD', title: 'this month so far' },
  { id: 'ytd', label: 'YTD', title: 'this year so far' },
] as const;
export type RelativeRange = (typeof RELATIVE_RANGES)[number]['id'];
export const RELATIVE_RANGE_IDS = RELATIVE_RANGES.map((r) => r.id) as [RelativeRange, ...RelativeRange[]];

export function isRelativeRange(value: string): value is RelativeRange {
  return (RELATIVE_RANGE_IDS as readonly string[]).includes(value);
}

/** The days a relative range covers when today is `today`. */
export function resolveRelativeRange(range: RelativeRange, today: string): DayRange {
  switch (range) {
    case '7d': return { from: addDays(today, -6), to: today };
    case '30d': return { from: addDays(today, -29), to: today };
    case '90d': return { from: addDays(today, -89), to: today };
    case '12m': return { from: addDays(addMonths(today, -12), 1), to: today };
    case 'mtd': return { from: `${today.slice(0, 8)}01`, to: today };
    case 'ytd': return { from: `${today.slice(0, 5)}01-01`, to: today };
  }
}
