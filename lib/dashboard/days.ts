// UTC calendar-day arithmetic for the page (YYYY-MM-DD strings), free of server imports so the
// browser bundle stays lean. The limits mirror the API contract (ARCHITECTURE.md): ranges are
// inclusive, at most 366 days, 30 days ending today by default.
export const MAX_SPAN_DAYS = 366;
export const DEFAULT_SPAN_DAYS = 30;
const DAY_MS = 86_400_000;

export function toDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return toDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** A real calendar day written YYYY-MM-DD (2025-02-30 is not one). */
export function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && year >= 1900;
}

/** The period of the same length just before [from, to] (for period-over-period change). */
export function previousPeriod(range: { from: string; to: string }): { from: string; to: string } {
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
