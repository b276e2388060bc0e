'use client';
import { useEffect, useState } from 'react';
import { formatAge } from '@/lib/dashboard/format';
import type { DashboardSource, FreshnessRow } from '@/lib/dashboard/response';
import { DEFAULT_REFRESH_EVERY_SECONDS, describeInterval, staleAfterFor } from '@/lib/freshness';

/**
 * The age of the oldest view, from the moment its data is current as of (so it keeps counting
 * between fetches); Infinity when a view was never refreshed, null with no views at all.
 */
export function oldestAgeSeconds(freshness: FreshnessRow[], now: number): number | null {
  if (freshness.length === 0) return null;
  if (freshness.some((f) => f.last_refreshed === null)) return Number.POSITIVE_INFINITY;
  const oldest = Math.min(...freshness.map((f) => Date.parse(f.last_refreshed ?? '')));
  return Math.max(0, Math.floor((now - oldest) / 1000));
}

/**
 * What the numbers on screen are as of. live and raw answers are exact now, whatever the views'
 * age; an mv answer is "as of 3 min ago", amber with an explanation once a view is older than the
 * threshold. Ages count on the server's clock: `initialNow` is the server's time of the first render
 * (so the server and hydration agree), `clockOffsetMs` how far the browser's clock runs ahead of
 * it, so a wrong clock on the viewer's machine cannot fake a stale warning.
 */
export function FreshnessBadge(props: {
  freshness: FreshnessRow[]; source: DashboardSource; initialNow: number; clockOffsetMs?: number;
  /** The server's REFRESH_EVERY_SECONDS and STALE_AFTER_SECONDS. */
  refreshEverySeconds?: number; staleAfterSeconds?: number;
}) {
  const { freshness, source, initialNow, clockOffsetMs = 0, refreshEverySeconds = DEFAULT_REFRESH_EVERY_SECONDS } = props;
  const staleAfterSeconds = props.staleAfterSeconds ?? staleAfterFor(refreshEverySeconds);
  const [now, setNow] = useState(initialNow);
  useEffect(() => {
    const tick = () => setNow(Date.now() - clockOffsetMs);
    tick();
    const timer = setInterval(tick, 15_000);
    return () => clearInterval(timer);
  }, [clockOffsetMs]);
  if (source === 'live' || source === 'raw') {
    const fromRaw = Math.max(0, ...freshness.map((f) => f.raw_buckets));
    const detail = source === 'live'
      ? `views plus the raw rows of ${fromRaw} day${fromRaw === 1 ? '' : 's'} written since their last refresh`
      : 'read from the raw tables';
    return (
      <div className="freshness live" data-testid="freshness" data-stale="false" data-source={source} role="status" title={`Exact as of this answer: ${detail}.`}>
        <span className="dot" aria-hidden="true" /> {source === 'live' ? 'Live' : 'Live numbers from the raw tables'}
      </div>
    );
  }
  const age = oldestAgeSeconds(freshness, now);
  if (age === null) return null;
  const stale = age > staleAfterSeconds;
  const never = age === Number.POSITIVE_INFINITY;
  return (
    <div className={`freshness${stale ? ' stale' : ''}`} data-testid="freshness" data-stale={stale ? 'true' : 'false'} data-source={source} role="status">
      <span className="dot" aria-hidden="true" /> {never ? 'Views not refreshed yet' : `Data as of ${formatAge(age)}`}
      {stale ? <span className="freshness-note"> · {never
        ? 'run a refresh (npm run refresh or POST /api/admin/refresh-views) to fill them.'
        : `the views refresh every ${describeInterval(refreshEverySeconds)}; this is older, so the scheduled refresh may be failing.`}</span> : null}
    </div>
  );
}
