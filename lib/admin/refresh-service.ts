// The refresh-views endpoint's logic: run the refresh (or report why not), read freshness with
// its stale flags, and log one structured line per refresh.
import type { DatabaseStore } from '../db/store';
import { HttpError, logEvent } from '../http/respond';
import type { RefreshCaller } from './auth';
import { refreshViews, viewFreshness, type ViewFreshness } from './views';

/** The spec's budget for one refresh. */
export const REFRESH_BUDGET_MS = 2_000;
/** How long a caller turned away by a running refresh should wait before trying again. */
export const RETRY_AFTER_SECONDS = 15;

export interface FreshnessReport {
  stale: boolean;
  stale_after_seconds: number;
  freshness: Array<ViewFreshness & { stale: boolean }>;
}

export async function freshnessReport(store: DatabaseStore, staleAfterSeconds: number): Promise<FreshnessReport> {
  const views = await viewFreshness(store);
  const freshness = views.map((view) => ({ ...view, stale: view.age_seconds > staleAfterSeconds }));
  return { stale: freshness.some((view) => view.stale), stale_after_seconds: staleAfterSeconds, freshness };
}

export async function refreshNow(store: DatabaseStore, caller: Extract<RefreshCaller, { outcome: 'authorized' }>) {
  let result;
  try {
    result = await refreshViews(store);
  } catch (error) {
    logEvent('error', 'views_refresh_failed', { via: caller.via, cause: error instanceof Error ? error.message : String(error) });
    throw error;
  }
  if (result.status === 'skipped') {
    logEvent('info', 'views_refresh_skipped', { via: caller.via, reason: result.reason });
    throw new HttpError(409, 'A refresh is already running; try again shortly.', { status: 'skipped' },
      { 'Retry-After': String(RETRY_AFTER_SECONDS) });
  }
  const slow = result.duration_ms > REFRESH_BUDGET_MS;
  logEvent(slow ? 'warn' : 'info', 'views_refreshed', {
    via: caller.via,
    duration_ms: result.duration_ms,
    views: result.views,
    ...(slow ? { warning: `refresh took over the ${REFRESH_BUDGET_MS} ms budget` } : {}),
  });
  const freshness = await viewFreshness(store);
  return { status: result.status, duration_ms: result.duration_ms, views: result.views, freshness };
}
