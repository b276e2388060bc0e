// The page's filters, read from the URL: workspace, campaign and range, each falling back to a
// default with a notice when the URL holds something unusable. Used by the server render and
// the browser alike, so both agree on what a URL means.
// Pure (no server imports): the browser bundle includes it.
import { addDays, DEFAULT_SPAN_DAYS, daysBetween, defaultDays, isDay, isRelativeRange, rangeProblem, resolveRelativeRange, todayIn, type DayRange, type RelativeRange } from './days';
import { INTERVAL_LABEL } from '../charts/axis';
import type { AnswerQuery, CampaignsQuery, DashboardQuery } from './query';
import type { DashboardInterval, WorkspacesResponse } from './response';

export interface Filters {
  query: DashboardQuery | null;
  notices: string[];
}

type Params = Record<string, string | string[] | undefined>;

function single(params: Params, key: string): string | undefined {
  const value = params[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The query an address stands for. Relative ranges and defaults are resolved on today in the chosen
 * workspace's time zone (the server resolves them again, on the database's clock, for its answers).
 */
export function resolveFilters(
  params: Params,
  workspaces: WorkspacesResponse['workspaces'],
  now = new Date(),
  defaultSource: DashboardQuery['source'] = 'mv',
): Filters {
  const notices: string[] = [];
  const first = workspaces[0];
  if (!first) return { query: null, notices };
  const wanted = single(params, 'workspace_id');
  const workspace = workspaces.find((w) => w.workspace_id === wanted) ?? first;
  if (wanted !== undefined && workspace.workspace_id !== wanted) {
    notices.push(`Workspace “${wanted.slice(0, 80)}” has no data; showing ${workspace.workspace_id}.`);
  }
  let campaign = single(params, 'campaign') || null;
  if (campaign !== null && !workspace.campaigns.some((c) => c.campaign_name === campaign)) {
    notices.push(`Campaign “${campaign.slice(0, 80)}” is not in ${workspace.workspace_id}; showing all campaigns.`);
    campaign = null;
  }
  const range = resolveRange(single(params, 'range'), single(params, 'from'), single(params, 'to'), todayIn(workspace.time_zone, now));
  if (range.notice) notices.push(range.notice);
  const wantedInterval = single(params, 'interval');
  let interval = defaultInterval(range);
  if (wantedInterval !== undefined) {
    const known = INTERVALS.find((i) => i.id === wantedInterval);
    if (known) interval = known.id;
    else notices.push(`“${wantedInterval.slice(0, 40)}” is not a day, week or month; showing a point per ${interval}.`);
  }
  return { query: { workspace_id: workspace.workspace_id, from: range.from, to: range.to, range: range.range, campaign, source: defaultSource, interval, compare: 'previous' }, notices };
}

type ResolvedRange = { from: string; to: string; range: RelativeRange | null; notice?: string };

/**
 * The range in the address: a relative one (range=30d) or explicit days with the API's defaults;
 * none, or an unusable one, is the last 30 days, kept relative.
 */
function resolveRange(relative: string | undefined, from: string | undefined, to: string | undefined, today: string): ResolvedRange {
  const fallback = { ...resolveRelativeRange('30d', today), range: '30d' as const };
  if (relative !== undefined) {
    if (!isRelativeRange(relative)) return { ...fallback, notice: unusable(`“${relative.slice(0, 40)}” is not a range like 30d`) };
    const notice = from || to ? 'The address gives both a range and dates; showing the range.' : undefined;
    return { ...resolveRelativeRange(relative, today), range: relative, notice };
  }
  if (!from && !to) return fallback;
  const malformed = [from, to].find((day) => day && !isDay(day));
  if (malformed) return { ...fallback, notice: unusable(`“${malformed.slice(0, 40)}” is not a date like 2025-11-01`) };
  const days = defaultDays({ from, to }, today);
  const problem = rangeProblem(days.from, days.to);
  if (problem === null) return { ...days, range: null };
  return { ...fallback, notice: unusable(problem) };
}

function unusable(problem: string): string {
  return `The date range in the address was not usable (${problem}); showing the last ${DEFAULT_SPAN_DAYS} days.`;
}

/** The range and campaign of a query as URL parameters: a relative range by name, else its days. */
function scopeParams(query: CampaignsQuery): URLSearchParams {
  const params = new URLSearchParams({ workspace_id: query.workspace_id });
  if (query.range !== null) params.set('range', query.range);
  else {
    params.set('from', query.from);
    params.set('to', query.to);
  }
  if (query.campaign !== null) params.set('campaign', query.campaign);
  return params;
}

/** The URL search string for a query (what the page pushes to the address bar). */
export function filtersToSearch(query: DashboardQuery): string {
  const params = scopeParams(query);
  // The address names the interval only when the viewer chose one other than the range's default.
  if (query.interval !== defaultInterval(query)) params.set('interval', query.interval);
  return `?${params}`;
}

/** The query string of an API call for a query (the source stays the server's default, DASHBOARD_SOURCE). */
export function apiSearch(query: AnswerQuery): string {
  const params = scopeParams(query);
  if (query.interval && query.interval !== 'day') params.set('interval', query.interval);
  if (query.compare) params.set('compare', query.compare);
  return `?${params}`;
}

/** The campaigns table's query: the page's range and source, every campaign (the filter does not narrow the table). */
export function campaignsQuery(query: DashboardQuery): CampaignsQuery {
  const { interval: _interval, compare: _compare, ...scope } = query;
  return { ...scope, campaign: null };
}

/** The page's bucket sizes; the API's `interval`. */
export const INTERVALS = [
  { id: 'day', label: INTERVAL_LABEL.day, title: 'a point per day' },
  { id: 'week', label: INTERVAL_LABEL.week, title: 'a point per week (Monday to Sunday)' },
  { id: 'month', label: INTERVAL_LABEL.month, title: 'a point per calendar month' },
] as const satisfies ReadonlyArray<{ id: DashboardInterval; label: string; title: string }>;

/** Days up to 90 days, weeks past that, months from a year on (12m, YTD in December). */
export function defaultInterval(range: DayRange): DashboardInterval {
  const days = daysBetween(range.from, range.to) + 1;
  return days >= 365 ? 'month' : days > 90 ? 'week' : 'day';
}

/**
 * New days for a query. An interval the viewer did not choose (the default of the old range)
 * follows the new range; a chosen one stays.
 */
export function withDays(query: DashboardQuery, days: DayRange & { range: RelativeRange | null }): DashboardQuery {
  const interval = query.interval === defaultInterval(query) ? defaultInterval(days) : query.interval;
  return { ...query, ...days, interval };
}

/** The query for a relative range, its days as of now in the workspace's time zone. */
export function withRelativeRange(query: DashboardQuery, range: RelativeRange, timeZone: string, now = new Date()): DashboardQuery {
  return withDays(query, { ...resolveRelativeRange(range, todayIn(timeZone, now)), range });
}

export function withInterval(query: DashboardQuery, interval: DashboardInterval): DashboardQuery {
  return { ...query, interval };
}

/** The widest range with data for a workspace/campaign, at most 366 days, ending at its last day. */
export function widestRangeWithData(workspace: WorkspacesResponse['workspaces'][number], campaign: string | null): DayRange | null {
  const span = campaign === null ? workspace : workspace.campaigns.find((c) => c.campaign_name === campaign);
  if (!span?.first_day || !span.last_day) return null;
  const earliest = addDays(span.last_day, -365);
  return { from: span.first_day > earliest ? span.first_day : earliest, to: span.last_day };
}
