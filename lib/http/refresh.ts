// The HTTP answers of the two refresh routes (the cron's and the page's "Refresh now"), and the query
// of the freshness read.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import type { RefreshOutcome } from '../admin/refresh-service';
import { badRequest, errorBodySchema, issuesFromZod } from './errors';

/** How long a caller turned away by a running refresh should wait before trying again. */
export const RETRY_AFTER_SECONDS = 15;
export const NO_STORE = { 'Cache-Control': 'no-store' } as const;

/** The 409 of a refresh turned away because another one holds the lock: an error body that also says skipped. */
export const refreshBusySchema = errorBodySchema.extend({ status: z.literal('skipped') });

/** 200 with the report, or 409 with Retry-After when another refresh was running. */
export function refreshResponse(outcome: RefreshOutcome<object>): NextResponse {
  if (outcome.kind === 'busy') {
    return NextResponse.json(refreshBusySchema.parse({ error: 'A refresh is already running; try again shortly.', status: 'skipped' }),
      { status: 409, headers: { ...NO_STORE, 'Retry-After': String(RETRY_AFTER_SECONDS) } });
  }
  return NextResponse.json(outcome.answer, { headers: NO_STORE });
}

/** GET /api/admin/refresh-views's query: ?fail_if_stale=1 turns a stale report into a 503 for uptime monitors. */
export const freshnessQuerySchema = z.object({
  fail_if_stale: z.enum(['1', 'true', '0', 'false'], 'use 1 or 0').optional()
    .meta({ description: '1 or true: answer 503 (with the same report) when a view is stale, for uptime monitors.' }),
});

export function failIfStale(url: string): boolean {
  const parsed = freshnessQuerySchema.safeParse({ fail_if_stale: new URL(url).searchParams.get('fail_if_stale') ?? undefined });
  if (!parsed.success) throw badRequest(issuesFromZod(parsed.error));
  return parsed.data.fail_if_stale === '1' || parsed.data.fail_if_stale === 'true';
}
