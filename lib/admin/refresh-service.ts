// Running a refresh for a caller who may (the routes decide who that is and map the outcome to
// HTTP): the refresh or why not, freshness with its stale flags, one structured log line per refresh.
// Every refresh is followed by the alerts' evaluation in the same tick: every rule after a refresh,
// the operators' stale_views after one that failed or was skipped (their delivery is the caller's).
import { evaluateAfterRefresh } from '../alerts/evaluate';
import type { Evaluation } from '../alerts/schema';
import type { DatabaseStore } from '../db/store';
import { logEvent } from '../log';
import type { SecretVia } from './auth';
import { refreshViews, viewFreshness, type RefreshResult, type ViewFreshness } from './views';

/** The spec's budget for one refresh. */
export const REFRESH_BUDGET_MS = 2_000;
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

export type RefreshAnswer = Omit<Extract<RefreshResult, { status: 'refreshed' }>, 'started_at' | 'finished_at'> & {
  freshness: ViewFreshness[];
  /** The alerts evaluated right after (null when the evaluation failed; it is logged). */
  alerts: Evaluation | null;
};

export type RefreshOutcome = { kind: 'refreshed'; answer: RefreshAnswer } | { kind: 'busy'; reason: string };
export type RefreshVia = SecretVia | 'workspace-admin';

/** Runs the refresh; `busy` when another one holds the lock (nothing was done). */
export async function refreshNow(store: DatabaseStore, via: RefreshVia): Promise<RefreshOutcome> {
  let result;
  try {
    result = await refreshViews(store);
  } catch (error) {
    logEvent('error', 'views_refresh_failed', { via, outcome: 'failed', cause: error instanceof Error ? error.message : String(error) });
    await evaluateAfterRefresh(store, 'operators');
    throw error;
  }
  if (result.status === 'skipped') {
    logEvent('info', 'views_refresh_skipped', { via, outcome: 'skipped', reason: result.reason });
    await evaluateAfterRefresh(store, 'operators');
    return { kind: 'busy', reason: result.reason };
  }
  const slow = result.duration_ms > REFRESH_BUDGET_MS;
  logEvent(slow ? 'warn' : 'info', 'views_refreshed', {
    via,
    outcome: 'refreshed',
    duration_ms: result.duration_ms,
    full: result.full,
    buckets: result.buckets,
    rows_changed: result.rows_changed,
    current_as_of: result.current_as_of,
    views: result.views,
    ...(slow ? { warning: `refresh took over the ${REFRESH_BUDGET_MS} ms budget` } : {}),
  });
  const alerts = await evaluateAfterRefresh(store, 'all');
  const freshness = await viewFreshness(store);
  const { started_at: _started, finished_at: _finished, ...done } = result;
  return { kind: 'refreshed', answer: { ...done, freshness, alerts } };
}
