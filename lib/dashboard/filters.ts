// The page's filters, read from the URL: workspace, campaign and range, each falling back to a
// default with a notice when the URL holds something unusable. Used by the server render and
// the browser alike, so both agree on what a URL means.
// Pure (no server imports): the browser bundle includes it.
import { addDays, DEFAULT_SPAN_DAYS, daysBetween, isDay, rangeProblem, toDay } from './days';
import type { DashboardQuery } from './query';
import type { WorkspacesResponse } from './response';

export interface Filters {
  query: DashboardQuery | null;
  notices: string[];
}

export const RANGE_PRESETS = [
  { id: '7d', label: '7d', days: 7 },
  { id: '30d', label: '30d', days: 30 },
  { id: '90d', label: '90d', days: 90 },
  { id: '12m', label: '12m', days: 365 },
] as const;

type Params = Record<string, string | string[] | undefined>;

function single(params: Params, key: string): string | undefined {
  const value = params[key];
  return Array.isArray(value) ? value[0] : value;
}

export function resolveFilters(
  params: Params,
  workspaces: WorkspacesResponse['workspaces'],
  today = new Date(),
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
  const range = resolveRange(single(params, 'from'), single(params, 'to'), today);
  if (range.notice) notices.push(range.notice);
  return { query: { workspace_id: workspace.workspace_id, from: range.from, to: range.to, campaign, source: defaultSource }, notices };
}

/** The range in the address, with the API's defaults; an unusable one becomes the last 30 days. */
function resolveRange(from: string | undefined, to: string | undefined, now: Date): { from: string; to: string; notice?: string } {
  const today = toDay(now);
  const fallback = { from: addDays(today, -(DEFAULT_SPAN_DAYS - 1)), to: today };
  if (!from && !to) return fallback;
  const malformed = [from, to].find((day) => day && !isDay(day));
  if (malformed) return { ...fallback, notice: unusable(`“${malformed.slice(0, 40)}” is not a date like 2025-11-01`) };
  const end = to || (from && from > today ? from : today);
  const start = from || addDays(end, -(DEFAULT_SPAN_DAYS - 1));
  const problem = rangeProblem(start, end);
  if (problem === null) return { from: start, to: end };
  return { ...fallback, notice: unusable(problem) };
}

function unusable(problem: string): string {
  return `The date range in the address was not usable (${problem}); showing the last ${DEFAULT_SPAN_DAYS} days.`;
}

/** The URL search string for a query (what the page pushes to the address bar). */
export function filtersToSearch(query: DashboardQuery): string {
  const params = new URLSearchParams({ workspace_id: query.workspace_id, from: query.from, to: query.to });
  if (query.campaign !== null) params.set('campaign', query.campaign);
  return `?${params}`;
}

/** A preset range ending today (UTC). */
export function presetRange(days: number, today = new Date()): { from: string; to: string } {
  const to = toDay(today);
  return { from: addDays(to, -(days - 1)), to };
}

/** Which preset a range is, if any. */
export function presetOf(query: Pick<DashboardQuery, 'from' | 'to'>, today = new Date()): string | null {
  if (query.to !== toDay(today)) return null;
  const length = daysBetween(query.from, query.to) + 1;
  return RANGE_PRESETS.find((p) => p.days === length)?.id ?? null;
}

/** The widest range with data for a workspace/campaign, at most 366 days, ending at its last day. */
export function widestRangeWithData(workspace: WorkspacesResponse['workspaces'][number], campaign: string | null): { from: string; to: string } | null {
  const span = campaign === null ? workspace : workspace.campaigns.find((c) => c.campaign_name === campaign);
  if (!span?.first_day || !span.last_day) return null;
  const earliest = addDays(span.last_day, -365);
  return { from: span.first_day > earliest ? span.first_day : earliest, to: span.last_day };
}
