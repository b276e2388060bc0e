'use client';
import { useEffect, useState } from 'react';
import { formatAge } from '@/lib/dashboard/format';
import type { FreshnessRow } from '@/lib/dashboard/response';

/** The spec's alert threshold: views older than this are stale (the server's STALE_AFTER_SECONDS). */
export const STALE_AFTER_SECONDS = 600;

/** The age of the oldest view, from its refresh time (so it keeps counting between fetches). */
export function oldestAgeSeconds(freshness: FreshnessRow[], now: number): number | null {
  if (freshness.length === 0) return null;
  const oldest = Math.min(...freshness.map((f) => Date.parse(f.last_refreshed)));
  return Math.max(0, Math.floor((now - oldest) / 1000));
}

/**
 * "Data as of 3 min ago"; amber with an explanation once a view is older than the threshold.
 * Ages count on the server's clock: `initialNow` is the server's time of the first render (so the
 * server and hydration agree), `clockOffsetMs` how far the browser's clock runs ahead of it, so a
 * wrong clock on the viewer's machine cannot fake a stale warning. An answer computed from the raw
 * tables (`source` raw) is live whatever the views' age, and says so instead.
 */
export function FreshnessBadge(props: {
  freshness: FreshnessRow[]; initialNow: number; clockOffsetMs?: number; staleAfterSeconds?: number; source?: 'mv' | 'raw';
}) {
  const { freshness, initialNow, clockOffsetMs = 0, staleAfterSeconds = STALE_AFTER_SECONDS, source = 'mv' } = props;
  const [now, setNow] = useState(initialNow);
  useEffect(() => {
    const tick = () => setNow(Date.now() - clockOffsetMs);
    tick();
    const timer = setInterval(tick, 15_000);
    return () => clearInterval(timer);
  }, [clockOffsetMs]);
  if (source === 'raw') {
    return (
      <div className="freshness" data-testid="freshness" data-stale="false" data-source="raw" role="status">
        <span className="dot" aria-hidden="true" /> Live numbers from the raw tables
      </div>
    );
  }
  const age = oldestAgeSeconds(freshness, now);
  if (age === null) return null;
  const stale = age > staleAfterSeconds;
  return (
    <div className={`freshness${stale ? ' stale' : ''}`} data-testid="freshness" data-stale={stale ? 'true' : 'false'} data-source="mv" role="status">
      <span className="dot" aria-hidden="true" /> Data as of {formatAge(age)}
      {stale ? <span className="freshness-note"> · the views refresh every 5 minutes; this is older, so the scheduled refresh may be failing.</span> : null}
    </div>
  );
}
