// The dashboard's query: parsed once at the edge (zod), with the contract's defaults and limits.
// Free of server imports: the page's filters use the same types and ranges. Parsing and resolving
// are two steps: the days of range=7d, or of a missing from/to, depend on "today" in the workspace's
// time zone, which the server learns from the database (lib/dashboard/read.ts) before it resolves.
import { z } from 'zod';
import { badRequest, type Issue } from '../http/errors';
import { daysBetween, defaultDays, isDay, MAX_SPAN_DAYS, RELATIVE_RANGE_IDS, resolveRelativeRange, type RelativeRange } from './days';
import { DASHBOARD_COMPARISONS, DASHBOARD_INTERVALS, DASHBOARD_SOURCES, type DashboardComparison, type DashboardInterval, type DashboardSource } from './response';


/** A query as asked: its days may still be relative (range) or missing (the defaults). */
export interface DashboardRequest {
  workspace_id: string;
  from?: string;
  to?: string;
  /** The relative range the days come from (range=30d), null for explicit days. */
  range: RelativeRange | null;
  campaign: string | null;
  source: DashboardSource;
  /** Timeseries buckets (default day). */
  interval: DashboardInterval;
  /** compare=previous: the previous period in the same answer; null for none. */
  compare: DashboardComparison | null;
}

/** A query with its days: local days of the workspace's zone. */
export interface DashboardQuery extends DashboardRequest {
  from: string;
  to: string;
}

/** GET /api/dashboard/campaigns takes the aggregate's parameters but interval and compare. */
export type CampaignsRequest = Omit<DashboardRequest, 'interval' | 'compare'>;
export type CampaignsQuery = Omit<DashboardQuery, 'interval' | 'compare'>;

/** Either endpoint's query: the campaigns' parameters, and the aggregate's own when given. */
export type AnswerRequest = CampaignsRequest & Partial<Pick<DashboardRequest, 'interval' | 'compare'>>;
export type AnswerQuery = CampaignsQuery & Partial<Pick<DashboardQuery, 'interval' | 'compare'>>;

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

/** A workspace id as every endpoint takes it. */
export const workspaceIdSchema = text('workspace_id', 200);

const isoDay = (name: string) =>
  z.string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${name} must be a date like 2025-11-01 (YYYY-MM-DD)`)
    .refine(isDay, `${name} is not a real calendar date`);

/**
 * The query of GET /api/dashboard/campaigns, and of the aggregate but its own two parameters. The
 * descriptions are the OpenAPI document's (lib/openapi); the rules across parameters are below.
 */
export const campaignsQuerySchema = z.object({
  workspace_id: workspaceIdSchema.meta({ description: 'The workspace (1-200 characters).' }),
  from: isoDay('from').optional()
    .meta({ description: 'First local day of the workspace\'s time zone, inclusive (YYYY-MM-DD). Default: 29 days before to.' }),
  to: isoDay('to').optional()
    .meta({ description: 'Last local day, inclusive (YYYY-MM-DD); at most 366 days after from. Default: today in the workspace\'s zone (or from, when from is later).' }),
  range: z.enum(RELATIVE_RANGE_IDS, `range must be one of ${RELATIVE_RANGE_IDS.join(', ')}`).optional()
    .meta({ description: 'A range relative to today in the workspace\'s zone, instead of from/to (not with them).' }),
  campaign: text('campaign', 200).optional()
    .meta({ description: 'One campaign, matched exactly (every figure, LLM cost too, limited to it); empty or absent: all campaigns.' }),
  source: z.enum(DASHBOARD_SOURCES, 'source must be "mv", "raw" or "live"').optional()
    .meta({ description: 'mv: the views as of the last refresh (the server\'s default unless configured otherwise); live: exact now; raw: the raw tables (workspace admins only).' }),
});

/** The query of GET /api/dashboard/aggregate. */
export const dashboardQuerySchema = campaignsQuerySchema.extend({
  interval: z.enum(DASHBOARD_INTERVALS, 'interval must be "day", "week" or "month"').optional()
    .meta({ description: 'Timeseries buckets: local days (default), ISO weeks or months, clipped to the range and named by their first day.' }),
  compare: z.enum(DASHBOARD_COMPARISONS, 'compare must be "previous"').optional()
    .meta({ description: 'previous: the range\'s complete days against as many days just before them, in the same answer.' }),
});

/** The parameters of every dashboard endpoint, and those only the aggregate takes. */
const PARAMETERS = Object.keys(campaignsQuerySchema.shape);
const AGGREGATE_PARAMETERS = Object.keys(dashboardQuerySchema.shape).filter((key) => !PARAMETERS.includes(key));

type ParseOptions = { defaultSource: DashboardSource };

/**
 * Parses the query string of GET /api/dashboard/aggregate. Throws a 400 HttpError naming every bad
 * parameter: unknown or repeated parameters too (a misspelt `campaign` must not silently widen the
 * answer to the whole workspace). An empty `campaign` means all campaigns.
 */
export function parseDashboardRequest(params: URLSearchParams, options: ParseOptions): DashboardRequest {
  const { interval = 'day', compare = null, ...request } = parseRequest(params, options, [...PARAMETERS, ...AGGREGATE_PARAMETERS]);
  return { ...request, interval, compare };
}

/** Parses the query string of GET /api/dashboard/campaigns: the aggregate's rules, without interval and compare. */
export function parseCampaignsRequest(params: URLSearchParams, options: ParseOptions): CampaignsRequest {
  const { interval: _interval, compare: _compare, ...request } = parseRequest(params, options, PARAMETERS);
  return request;
}

/** parseDashboardRequest, resolved on `today` (the workspace's today; tests and tools). */
export function parseDashboardQuery(params: URLSearchParams, options: ParseOptions & { today: string }): DashboardQuery {
  return resolveQuery(parseDashboardRequest(params, options), options.today);
}

/** parseCampaignsRequest, resolved on `today`. */
export function parseCampaignsQuery(params: URLSearchParams, options: ParseOptions & { today: string }): CampaignsQuery {
  return resolveQuery(parseCampaignsRequest(params, options), options.today);
}

/**
 * The days of a request when today is `today` (the workspace's local date): a relative range
 * resolved, missing ends filled with the defaults. A 400 naming from and to when the result is
 * backwards or longer than 366 days.
 */
export function resolveQuery<Request extends AnswerRequest>(request: Request, today: string): Request & { from: string; to: string } {
  const { from, to } = request.range ? resolveRelativeRange(request.range, today) : defaultDays(request, today);
  if (from > to) {
    const message = `from (${from}) is after to (${to})`;
    throw badRequest([{ parameter: 'from', message }, { parameter: 'to', message }]);
  }
  const span = daysBetween(from, to) + 1;
  if (span > MAX_SPAN_DAYS) {
    const message = `the range from ${from} to ${to} spans ${span} days; at most ${MAX_SPAN_DAYS}`;
    throw badRequest([{ parameter: 'from', message }, { parameter: 'to', message }]);
  }
  return { ...request, from, to };
}

function parseRequest(params: URLSearchParams, options: ParseOptions, parameters: readonly string[]): AnswerRequest {
  const issues: Issue[] = [];
  const raw: Record<string, string> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    if (AGGREGATE_PARAMETERS.includes(key) && !parameters.includes(key)) {
      issues.push({ parameter: key, message: `${key} applies to /api/dashboard/aggregate only` });
    } else if (!parameters.includes(key)) {
      issues.push({ parameter: key, message: `unknown parameter "${key.slice(0, 50)}" (expected ${parameters.join(', ')})` });
    } else if (values.length > 1) {
      issues.push({ parameter: key, message: `${key} is given ${values.length} times; give it once` });
    } else if (!(key === 'campaign' && values[0] === '')) {
      raw[key] = values[0] ?? '';
    }
  }
  const parsed = dashboardQuerySchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const parameter = String(issue.path[0] ?? 'query');
      issues.push({ parameter, message: issue.code === 'invalid_type' ? `${parameter} is required` : issue.message });
    }
  }
  if (parsed.success && parsed.data.range && (parsed.data.from || parsed.data.to)) {
    issues.push({ parameter: 'range', message: 'give either range or from/to, not both' });
  }
  if (issues.length > 0 || !parsed.success) throw badRequest(issues);
  // Explicit days that cannot make a range whatever today is: refused before asking the database.
  const { from, to, range = null } = parsed.data;
  if (from && to && from > to) {
    const message = `from (${from}) is after to (${to})`;
    throw badRequest([{ parameter: 'from', message }, { parameter: 'to', message }]);
  }
  if (from && to && daysBetween(from, to) + 1 > MAX_SPAN_DAYS) {
    const message = `the range from ${from} to ${to} spans ${daysBetween(from, to) + 1} days; at most ${MAX_SPAN_DAYS}`;
    throw badRequest([{ parameter: 'from', message }, { parameter: 'to', message }]);
  }
  return {
    workspace_id: parsed.data.workspace_id,
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    range,
    campaign: parsed.data.campaign ?? null,
    source: parsed.data.source ?? options.defaultSource,
    interval: parsed.data.interval,
    compare: parsed.data.compare,
  };
}
