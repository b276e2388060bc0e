// How fresh the views are meant to be: one definition for the server, the page, the scripts and
// the docs. Free of server imports (the freshness badge uses it).

/**
 * How often the views are refreshed in production unless REFRESH_EVERY_SECONDS says otherwise:
 * vercel.json's cron ("*\/5 * * * *", a test keeps the two equal). A refresh with nothing pending
 * costs milliseconds and one with appends costs what was appended, so a database that schedules
 * itself (pg_cron, every 10 seconds) can run far more often: set REFRESH_EVERY_SECONDS to match.
 */
export const DEFAULT_REFRESH_EVERY_SECONDS = 300;

/** `npm run dev` refreshes this often by default: new rows show within seconds. */
export const DEV_REFRESH_EVERY_SECONDS = 5;

/**
 * When views count as stale for a refresh interval: two missed refreshes, and never under a minute
 * (a refresh every few seconds may queue behind a long one without anything being wrong). For the
 * production default this is the spec's alert threshold, 600 s.
 */
export function staleAfterFor(refreshEverySeconds: number): number {
  return Math.max(2 * refreshEverySeconds, 60);
}

/** The spec's alert threshold: the stale threshold of the default interval. */
export const DEFAULT_STALE_AFTER_SECONDS = staleAfterFor(DEFAULT_REFRESH_EVERY_SECONDS);

/**
 * How often the page asks again for an mv answer: as often as the views may change, between 5 s and
 * a minute (an unchanged answer is a 304 after one small query).
 */
export function pollMsFor(refreshEverySeconds: number): number {
  return Math.min(60, Math.max(5, refreshEverySeconds)) * 1000;
}

/** "5 minutes", "1 hour", "90 seconds": a whole interval in words. */
export function describeInterval(seconds: number): string {
  const [amount, unit] = seconds % 3600 === 0 ? [seconds / 3600, 'hour'] : seconds % 60 === 0 ? [seconds / 60, 'minute'] : [seconds, 'second'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}
