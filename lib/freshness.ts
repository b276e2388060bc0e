// How fresh the views are meant to be: one definition for the server, the page, the scripts and
// the docs. Free of server imports (the freshness badge uses it).

/**
 * How often the views are refreshed: vercel.json's cron ("*\/5 * * * *", a test keeps the two equal),
 * `npm run dev`'s default, and what the badge tells people.
 */
export const REFRESH_EVERY_SECONDS = 300;

/** The spec's alert threshold: views older than this are stale (the default of STALE_AFTER_SECONDS). */
export const DEFAULT_STALE_AFTER_SECONDS = 600;

/** "5 minutes", "1 hour", "90 seconds": a whole interval in words. */
export function describeInterval(seconds: number): string {
  const [amount, unit] = seconds % 3600 === 0 ? [seconds / 3600, 'hour'] : seconds % 60 === 0 ? [seconds / 60, 'minute'] : [seconds, 'second'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}
