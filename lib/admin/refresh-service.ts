// The refresh-views endpoint's logic: who is turned away and why, running the refresh (or reporting
// why not), freshness with its stale flags, and one structured log line per refresh.
import { z } from 'zod';
import type { DatabaseStore } from '../db/store';
import { HttpError, badRequest, issuesFromZod, logEvent } from '../http/respond';
import { isVercelCron, type RefreshCaller, type RefreshSecrets } from './auth';
import { refreshViews, viewFreshness, type RefreshResult, type ViewFreshness } from './views';

/** The spec's budget for one refresh. */
export const REFRESH_BUDGET_MS = 2_000;
/** How long a caller turned away by a running refresh should wait before trying again. */
export const RETRY_AFTER_SECONDS = 15;

const NO_STORE = { 'Cache-Control': 'no-store' };

export interface FreshnessReport {
  stale: boolean;
  stale_after_seconds: number;
  views: Array<ViewFreshness & { stale: boolean }>;
}

export async function freshnessReport(store: DatabaseStore, staleAfterSeconds: number): Promise<FreshnessReport> {
  const views = (await viewFreshness(store)).map((view) => ({
    ...view,
    stale: view.age_seconds === null || view.age_seconds > staleAfterSeconds,
  }));
  return { stale: views.some((view) => view.stale), stale_after_seconds: staleAfterSeconds, views };
}

const freshnessQuerySchema = z.object({
  fail_if_stale: z.enum(['1', 'true', '0', 'false'], 'use 1 or 0').optional(),
});

/** GET's query: ?fail_if_stale=1 turns a stale report into a 503 for uptime monitors. */
export function parseFreshnessQuery(url: string): { failIfStale: boolean } {
  const params = new URL(url).searchParams;
  const parsed = freshnessQuerySchema.safeParse({ fail_if_stale: params.get('fail_if_stale') ?? undefined });
  if (!parsed.success) throw badRequest(issuesFromZod(parsed.error));
  return { failIfStale: parsed.data.fail_if_stale === '1' || parsed.data.fail_if_stale === 'true' };
}

/**
 * The answer to a caller who may not refresh. 503 naming the variable when the server cannot check
 * any credential (it never refreshes unauthenticated); otherwise 401 with no hint which secret was
 * tried. Logged, by header name only.
 */
export function refusal(caller: Exclude<RefreshCaller, { outcome: 'authorized' }>, headers: Headers, secrets: RefreshSecrets): HttpError {
  const cron = isVercelCron(headers);
  let message: string | undefined;
  if (caller.outcome === 'not-configured') {
    message = `Refresh is disabled: set ${caller.variable} on the server.`;
  } else if (caller.outcome === 'anonymous' && !secrets.refreshToken && !secrets.cronSecret) {
    message = 'Refresh is disabled: set MATERIALIZED_VIEWS_REFRESH_TOKEN (and CRON_SECRET for Vercel Cron) on the server.';
  } else if (caller.outcome === 'anonymous' && cron && !secrets.cronSecret) {
    // Vercel sends no bearer when the project has no CRON_SECRET: fail where the cron's logs show it.
    message = 'Vercel Cron cannot refresh: set CRON_SECRET on the server.';
  }
  if (message) {
    logEvent('error', 'views_refresh_not_configured', { message, vercel_cron: cron });
    return new HttpError(503, message, {}, NO_STORE);
  }
  const presented = ['x-refresh-token', 'authorization'].filter((name) => headers.has(name));
  logEvent('warn', 'views_refresh_unauthorized', { presented, vercel_cron: cron });
  return new HttpError(401, 'Unauthorized.', {}, { ...NO_STORE, 'WWW-Authenticate': 'Bearer' });
}

export type RefreshAnswer = Omit<Extract<RefreshResult, { status: 'refreshed' }>, 'started_at' | 'finished_at'> & {
  freshness: ViewFreshness[];
};

export async function refreshNow(store: DatabaseStore, caller: Extract<RefreshCaller, { outcome: 'authorized' }>): Promise<RefreshAnswer> {
  let result;
  try {
    result = await refreshViews(store);
  } catch (error) {
    logEvent('error', 'views_refresh_failed', { via: caller.via, outcome: 'failed', cause: error instanceof Error ? error.message : String(error) });
    throw error;
  }
  if (result.status === 'skipped') {
    logEvent('info', 'views_refresh_skipped', { via: caller.via, outcome: 'skipped', reason: result.reason });
    throw new HttpError(409, 'A refresh is already running; try again shortly.', { status: 'skipped' },
      { ...NO_STORE, 'Retry-After': String(RETRY_AFTER_SECONDS) });
  }
  const slow = result.duration_ms > REFRESH_BUDGET_MS;
  logEvent(slow ? 'warn' : 'info', 'views_refreshed', {
    via: caller.via,
    outcome: 'refreshed',
    duration_ms: result.duration_ms,
    full: result.full,
    buckets: result.buckets,
    rows_changed: result.rows_changed,
    current_as_of: result.current_as_of,
    views: result.views,
    ...(slow ? { warning: `refresh took over the ${REFRESH_BUDGET_MS} ms budget` } : {}),
  });
  const freshness = await viewFreshness(store);
  const { started_at: _started, finished_at: _finished, ...done } = result;
  return { ...done, freshness };
}
