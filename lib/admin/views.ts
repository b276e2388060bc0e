// Refreshing the dashboard's materialized views and reporting how fresh they are: thin typed
// wrappers over the SQL functions refresh_dashboard_views() and get_view_freshness().
import { z } from 'zod';
import type { DatabaseStore } from '../db/store';

// Both null when a view has no refresh on record, so it reads as stale, never as "0 seconds old":
// z.coerce would turn null into 1970, and get_view_freshness() answers greatest(0, null) = 0.
export const viewFreshnessSchema = z
  .object({
    view_name: z.string(),
    last_refreshed: z.null().or(z.coerce.date().transform((date) => date.toISOString())),
    age_seconds: z.null().or(z.coerce.number().int()),
  })
  .transform((view) => (view.last_refreshed === null ? { ...view, age_seconds: null } : view));
export type ViewFreshness = z.infer<typeof viewFreshnessSchema>;

export const refreshResultSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('refreshed'),
    started_at: z.string(),
    finished_at: z.string(),
    duration_ms: z.number(),
    views: z.array(z.object({ view_name: z.string(), duration_ms: z.number() })),
  }),
  z.object({ status: z.literal('skipped'), reason: z.string() }),
]);
export type RefreshResult = z.infer<typeof refreshResultSchema>;

/** Runs refresh_dashboard_views(): all views, concurrently, atomically; 'skipped' if one is running. */
export async function refreshViews(store: DatabaseStore): Promise<RefreshResult> {
  return refreshResultSchema.parse(await store.callValue('refresh_dashboard_views'));
}

/** One row per materialized view with its last refresh time and age in seconds. */
export async function viewFreshness(store: DatabaseStore): Promise<ViewFreshness[]> {
  return z.array(viewFreshnessSchema).parse(await store.callRows('get_view_freshness'));
}
