// Refreshing the dashboard's views and reporting how fresh they are: thin typed wrappers over the
// SQL functions refresh_dashboard_views(p_full), get_view_freshness() (every tenant's pending
// buckets: operators only), dashboard_view_freshness(p_workspace_id) (one tenant's) and
// dashboard_view_ages() (no per-tenant figure: anyone).
import { z } from 'zod';
import type { DatabaseStore } from '../db/store';

// Both null when a view has no refresh on record, so it reads as stale, never as "0 seconds old":
// z.coerce would turn null into 1970, and get_view_freshness() answers greatest(0, null) = 0.
const viewAgeFields = {
  view_name: z.string(),
  last_refreshed: z.null().or(z.coerce.date().transform((date) => date.toISOString())),
  age_seconds: z.null().or(z.coerce.number().int()),
};
const neverRefreshedIsAgeless = <T extends { last_refreshed: string | null; age_seconds: number | null }>(view: T): T =>
  (view.last_refreshed === null ? { ...view, age_seconds: null } : view);

/** A view's age as the API answers it (the rows above, after conversion). */
export const viewAgeAnswerSchema = z.object({
  view_name: z.string(),
  last_refreshed: z.iso.datetime().nullable().meta({ description: 'The moment the view\'s data is current as of (UTC); null: never refreshed.' }),
  age_seconds: z.number().int().nullable().meta({ description: 'Seconds since last_refreshed; null: never refreshed.' }),
});

/** The spec's freshness row: when a view's data is current as of, and how old that is. */
export const viewAgeSchema = z.object(viewAgeFields).transform(neverRefreshedIsAgeless).pipe(viewAgeAnswerSchema);
export type ViewAge = z.infer<typeof viewAgeSchema>;

/** The same with the buckets waiting for the next refresh, as the operator's refresh answers it. */
export const viewFreshnessAnswerSchema = viewAgeAnswerSchema.extend({
  pending_buckets: z.number().int().nonnegative().meta({ description: '(workspace, day) buckets written since the last refresh, waiting for the next one.' }),
});

export const viewFreshnessSchema = z
  .object({ ...viewAgeFields, pending_buckets: z.coerce.number().int().nonnegative() })
  .transform(neverRefreshedIsAgeless)
  .pipe(viewFreshnessAnswerSchema);
export type ViewFreshness = z.infer<typeof viewFreshnessSchema>;

/** What refresh_dashboard_views() answers when it refreshed. */
export const refreshedSchema = z.object({
  status: z.literal('refreshed'),
  /** true: every view rebuilt from the raw rows; false: what was written since the last refresh applied. */
  full: z.boolean(),
  /** Why everything was rebuilt: requested, truncated (a raw table was emptied), views empty; null otherwise. */
  reason: z.string().nullable(),
  started_at: z.string(),
  finished_at: z.string(),
  /** The moment the views are now current as of (the refresh's snapshot). */
  current_as_of: z.string(),
  duration_ms: z.number(),
  /** Time spent reading the changes and the raw rows of their buckets, before any view's step. */
  capture_ms: z.number(),
  /** (workspace, local day) buckets written, and view rows written (rows whose values did not change are not). */
  buckets: z.number().int(),
  rows_changed: z.number().int(),
  /** Appended rows added to the views as deltas (not re-reading their days). */
  appended_rows: z.number().int(),
  /** Workspaces rebuilt (their rows recomputed beside the old ones), and why: {reason: how many}. */
  rebuilt_workspaces: z.number().int(),
  rebuilt_because: z.record(z.string(), z.number().int()),
  views: z.array(z.object({ view_name: z.string(), duration_ms: z.number(), buckets: z.number().int(), rows_changed: z.number().int() })),
});

export const refreshResultSchema = z.discriminatedUnion('status', [
  refreshedSchema,
  z.object({ status: z.literal('skipped'), reason: z.string() }),
]);
export type RefreshResult = z.infer<typeof refreshResultSchema>;

/**
 * Runs refresh_dashboard_views(): every view brought up to date in one transaction, recomputing the
 * buckets written since the last refresh (or, with full, everything); 'skipped' if one is running.
 */
export async function refreshViews(store: DatabaseStore, options: { full?: boolean } = {}): Promise<RefreshResult> {
  return refreshResultSchema.parse(await store.callValue('refresh_dashboard_views', { p_full: options.full ?? false }));
}

/** One row per view with its last refresh time, age in seconds, and every tenant's pending buckets (operators). */
export async function viewFreshness(store: DatabaseStore): Promise<ViewFreshness[]> {
  return z.array(viewFreshnessSchema).parse(await store.callRows('get_view_freshness'));
}

/** The same, with the pending buckets of one workspace only (what its members may see). */
export async function workspaceViewFreshness(store: DatabaseStore, workspaceId: string): Promise<ViewFreshness[]> {
  return z.array(viewFreshnessSchema).parse(await store.callRows('dashboard_view_freshness', { p_workspace_id: workspaceId }));
}

/** Last refresh time and age per view, without reading the change log: what anyone may see. */
export async function viewAges(store: DatabaseStore): Promise<ViewAge[]> {
  return z.array(viewAgeSchema).parse(await store.callRows('dashboard_view_ages'));
}

/** One line for logs: what a refresh did. */
export function describeRefresh(result: Extract<RefreshResult, { status: 'refreshed' }>): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const rebuilt = Object.entries(result.rebuilt_because).map(([reason, n]) => `${n} ${reason}`).join(', ');
  const what = result.full ? `rebuilt from scratch (${result.reason})`
    : `${plural(result.buckets, 'bucket')} written, ${plural(result.appended_rows, 'appended row')} added as deltas`
      + (result.rebuilt_workspaces > 0 ? `, ${plural(result.rebuilt_workspaces, 'workspace')} rebuilt (${rebuilt})` : '');
  return `${what}, ${result.rows_changed} row${result.rows_changed === 1 ? '' : 's'} changed in ${result.duration_ms} ms `
    + `(${result.views.map((v) => `${v.view_name} ${v.duration_ms} ms`).join(', ')})`;
}
