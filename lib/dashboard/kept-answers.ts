// The tag every answer kept by lib/dashboard/answer-cache.ts carries, and expiring them after a
// refresh. Its own module without `server-only`: the refresh service also runs in scripts (tsx).
import { revalidateTag } from 'next/cache';
import { frameworkCacheAvailable } from '../env';

/** Every kept answer carries this tag; a refresh that changed rows expires them all (memory, not correctness). */
export const KEPT_ANSWERS_TAG = 'dashboard-answers';

/**
 * Expires every kept answer at once, on every instance sharing the cache (after a refresh that changed
 * rows). Kept answers are keyed by the views' version, so none would be served after the refresh
 * anyway: this frees them now instead of when the cache needs the room. A no-op outside Next.js.
 */
export function forgetKeptAnswers(): void {
  if (frameworkCacheAvailable()) revalidateTag(KEPT_ANSWERS_TAG, { expire: 0 });
}
