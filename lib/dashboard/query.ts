// The dashboard's query: parsed once at the edge (zod), with the contract's defaults and limits.
import { z } from 'zod';
import { badRequest, type Issue } from '../http/respond';
import { DASHBOARD_SOURCES, type DashboardSource } from './response';

export const MAX_SPAN_DAYS = 366;
export const DEFAULT_SPAN_DAYS = 30;
const PARAMETERS = ['workspace_id', 'from', 'to', 'campaign', 'source'] as const;
const DAY_MS = 86_400_000;

export { DASHBOARD_SOURCES, type DashboardSource } from './response';

export interface DashboardQuery {
  workspace_id: string;
  from: string;
  to: string;
  campaign: string | null;
  source: DashboardSource;
}

/**
 * Any text Postgres can store: every character is data (quotes, %, _, tabs, emoji), but a NUL byte
 * cannot be in a text column, so no stored name can contain one. Length counts characters (code
 * points), not UTF-16 units, so 200 emoji are allowed like 200 letters.
 */
const text = (name: string, max: number) =>
  z.string()
    .min(1, `${name} must not be empty`)
    .refine((value) => [...value].length <= max, `${name} must be at most ${max} characters`)
    .refine((value) => !value.includes('\u0000'), `${name} must not contain a NUL character`);

const isoDay = (name: string) =>
  z.string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${name} must be a date like 2025-11-01 (YYYY-MM-DD)`)
    .refine(isRealDay, `${name} is not a real calendar date`);

const schema = z.object({
  workspace_id: text('workspace_id', 200),
  from: isoDay('from').optional(),
  to: isoDay('to').optional(),
  campaign: text('campaign', 200).optional(),
  source: z.enum(DASHBOARD_SOURCES, 'source must be "mv", "raw" or "live"').optional(),
});

function isRealDay(value: string): boolean {
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && year >= 1900 && year <= 9999;
}

export function toDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return toDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/**
 * Parses the query string of GET /api/dashboard/aggregate. Throws a 400 HttpError naming every bad
 * parameter: unknown or repeated parameters too (a misspelt `campaign` must not silently widen the
 * answer to the whole workspace). An empty `campaign` means all campaigns.
 */
export function parseDashboardQuery(params: URLSearchParams, options: { defaultSource: DashboardSource; today?: Date }): DashboardQuery {
  const issues: Issue[] = [];
  const raw: Record<string, string> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    if (!(PARAMETERS as readonly string[]).includes(key)) {
      issues.push({ parameter: key, message: `unknown parameter "${key.slice(0, 50)}" (expected ${PARAMETERS.join(', ')})` });
    } else if (values.length > 1) {
      issues.push({ parameter: key, message: `${key} is given ${values.length} times; give it once` });
    } else if (!(key === 'campaign' && values[0] === '')) {
      raw[key] = values[0] ?? '';
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const parameter = String(issue.path[0] ?? 'query');
      issues.push({ parameter, message: issue.code === 'invalid_type' ? `${parameter} is required` : issue.message });
    }
  }
  if (issues.length > 0 || !parsed.success) throw badRequest(issues);

  const today = toDay(options.today ?? new Date());
  const to = parsed.data.to ?? (parsed.data.from ? maxDay(today, parsed.data.from) : today);
  const from = parsed.data.from ?? addDays(to, -(DEFAULT_SPAN_DAYS - 1));
  if (from > to) {
    const message = `from (${from}) is after to (${to})`;
    throw badRequest([{ parameter: 'from', message }, { parameter: 'to', message }]);
  }
  const span = daysBetween(from, to) + 1;
  if (span > MAX_SPAN_DAYS) {
    const message = `the range from ${from} to ${to} spans ${span} days; at most ${MAX_SPAN_DAYS}`;
    throw badRequest([{ parameter: 'from', message }, { parameter: 'to', message }]);
  }
  return {
    workspace_id: parsed.data.workspace_id,
    from,
    to,
    campaign: parsed.data.campaign ?? null,
    source: parsed.data.source ?? options.defaultSource,
  };
}

function maxDay(a: string, b: string): string {
  return a > b ? a : b;
}

/** The previous period of the same length, ending the day before `from` (for period-over-period change). */
export function previousPeriod(query: Pick<DashboardQuery, 'from' | 'to'>): { from: string; to: string } {
  const length = daysBetween(query.from, query.to) + 1;
  return { from: addDays(query.from, -length), to: addDays(query.from, -1) };
}
