// Running a refresh for a caller who may (the routes decide who that is and map the outcome to
// HTTP): the refresh or why not, freshness with its stale flags, one structured log line per refresh.
// Every refresh is followed by the alerts' evaluation in the same tick: every rule after a refresh,
// the operators' stale_views after one that failed or was skipped (their delivery is the caller's).
import { z } from 'zod';
import { evaluateAfterRefresh } from '../alerts/evaluate';
import { evaluationSchema } from '../alerts/schema';
import { forgetKeptAnswers } from '../dashboard/kept-answers';
import type { DatabaseStore } from '../db/store';
import { logEvent } from '../log';
import type { SecretVia } from './auth';
import { refreshedSchema, refreshViews, viewAgeAnswerSchema, viewAges, viewFreshness, viewFreshnessAnswerSchema, type ViewAge, type ViewFreshness } from './views';

/** The spec's budget for one refresh. */
export const REFRESH_BUDGET_MS = 2_000;
export interface FreshnessReport<View extends ViewAge = ViewAge> {
  stale: boolean;
  stale_after_seconds: number;
  views: Array<View & { stale: boolean }>;
}

function report<View extends ViewAge>(rows: View[], staleAfterSeconds: number): FreshnessReport<View> {
  const views = rows.map((view) => ({ ...view, stale: view.age_seconds === null || view.age_seconds > staleAfterSeconds }));
  return { stale: views.some((view) => view.stale), stale_after_seconds: staleAfterSeconds, views };
}

/** For operators (npm run freshness): with every tenant's pending buckets. */
export async function freshnessReport(store: DatabaseStore, staleAfterSeconds: number): Promise<FreshnessReport<ViewFreshness>> {
  return report(await viewFreshness(store), staleAfterSeconds);
}

/** The public report as the API answers it. */
export const freshnessReportSchema = z.object({
  stale: z.boolean().meta({ description: 'Whether any view is stale.' }),
  stale_after_seconds: z.number().int().positive(),
  views: z.array(viewAgeAnswerSchema.extend({ stale: z.boolean().meta({ description: 'Older than stale_after_seconds, or never refreshed.' }) })),
});

/**
 * For anyone (GET /api/admin/refresh-views without credentials): ages only. No tenant's activity
 * shows, and the change log is not read, so anonymous calls cost a few index reads.
 */
export async function publicFreshnessReport(store: DatabaseStore, staleAfterSeconds: number): Promise<FreshnessReport> {
  return freshnessReportSchema.parse(report(await viewAges(store), staleAfterSeconds));
}

/** What a refresh did, as its caller is told (the refresh's start and end times are only logged). */
export const refreshDoneSchema = refreshedSchema.omit({ started_at: true, finished_at: true }).extend({
  alerts: evaluationSchema.nullable().meta({ description: 'The alerts evaluated right after, over every workspace (null when the evaluation failed; it is logged).' }),
});
export type RefreshDone = z.infer<typeof refreshDoneSchema>;

/** What a refresh did, or that another one was running; `answer` is what the caller is told. */
export type RefreshOutcome<Answer = RefreshDone> = { kind: 'refreshed'; answer: Answer } | { kind: 'busy'; reason: string };
export type RefreshVia = SecretVia | 'workspace-admin';

/** The operator's answer (refresh token, cron): what the refresh did over every tenant, the alerts' evaluation, and the global freshness. */
export const operatorRefreshAnswerSchema = refreshDoneSchema.extend({ freshness: z.array(viewFreshnessAnswerSchema) });
export type OperatorRefreshAnswer = z.infer<typeof operatorRefreshAnswerSchema>;

export async function refreshForOperator(store: DatabaseStore, via: SecretVia): Promise<RefreshOutcome<OperatorRefreshAnswer>> {
  const outcome = await refreshNow(store, via);
  if (outcome.kind === 'busy') return outcome;
  return { kind: 'refreshed', answer: operatorRefreshAnswerSchema.parse({ ...outcome.answer, freshness: await viewFreshness(store) }) };
}

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
  // Kept answers are keyed by the views' version, so none is served after this refresh either way;
  // this frees the old ones at once (on every instance) instead of when the LRU needs the room.
  if (result.rows_changed > 0) forgetKeptAnswers();
  const alerts = await evaluateAfterRefresh(store, 'all');
  const { started_at: _started, finished_at: _finished, ...done } = result;
  return { kind: 'refreshed', answer: { ...done, alerts } };
}
