// The HTTP answers of the two refresh routes (the cron's and the page's "Refresh now").
import { NextResponse } from 'next/server';
import type { RefreshOutcome } from '../admin/refresh-service';

/** How long a caller turned away by a running refresh should wait before trying again. */
export const RETRY_AFTER_SECONDS = 15;
export const NO_STORE = { 'Cache-Control': 'no-store' } as const;

/** 200 with the report, or 409 with Retry-After when another refresh was running. */
export function refreshResponse(outcome: RefreshOutcome<object>): NextResponse {
  if (outcome.kind === 'busy') {
    return NextResponse.json({ error: 'A refresh is already running; try again shortly.', status: 'skipped' },
      { status: 409, headers: { ...NO_STORE, 'Retry-After': String(RETRY_AFTER_SECONDS) } });
  }
  return NextResponse.json(outcome.answer, { headers: NO_STORE });
}
