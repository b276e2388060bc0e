// POST: refresh the materialized views now (x-refresh-token or Bearer CRON_SECRET).
// GET: Vercel Cron's call (Bearer CRON_SECRET) refreshes too; without credentials it reports
// freshness (503 with ?fail_if_stale=1 when a view is stale) and never refreshes.
import { NextResponse } from 'next/server';
import { authenticateRefresh, isVercelCron, type RefreshCaller } from '@/lib/admin/auth';
import { freshnessReport, refreshNow } from '@/lib/admin/refresh-service';
import { getStore } from '@/lib/db';
import { env } from '@/lib/env';
import { HttpError, handle } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';
// A refresh of large views can take minutes; Vercel's Pro plan allows up to 300 s by default.
export const maxDuration = 300;

const NO_STORE = { 'Cache-Control': 'no-store' };

function authorize(request: Request): RefreshCaller {
  const config = env();
  return authenticateRefresh(request.headers, { refreshToken: config.MATERIALIZED_VIEWS_REFRESH_TOKEN, cronSecret: config.CRON_SECRET });
}

function refuse(caller: Exclude<RefreshCaller, { outcome: 'authorized' }>, request: Request): never {
  if (caller.outcome === 'not-configured') {
    throw new HttpError(503, `Refresh is disabled: set ${caller.variable} on the server.`, {}, NO_STORE);
  }
  if (caller.outcome === 'anonymous' && !env().MATERIALIZED_VIEWS_REFRESH_TOKEN && !env().CRON_SECRET) {
    throw new HttpError(503, 'Refresh is disabled: set MATERIALIZED_VIEWS_REFRESH_TOKEN (and CRON_SECRET for Vercel Cron) on the server.', {}, NO_STORE);
  }
  if (caller.outcome === 'anonymous' && isVercelCron(request.headers) && !env().CRON_SECRET) {
    throw new HttpError(503, 'Vercel Cron cannot refresh: set CRON_SECRET on the server.', {}, NO_STORE);
  }
  throw new HttpError(401, 'Unauthorized.', {}, { ...NO_STORE, 'WWW-Authenticate': 'Bearer' });
}

export const POST = handle('POST /api/admin/refresh-views', async (request: Request) => {
  const caller = authorize(request);
  if (caller.outcome !== 'authorized') refuse(caller, request);
  return NextResponse.json(await refreshNow(getStore(), caller), { headers: NO_STORE });
});

export const GET = handle('GET /api/admin/refresh-views', async (request: Request) => {
  const caller = authorize(request);
  if (caller.outcome === 'authorized') {
    return NextResponse.json(await refreshNow(getStore(), caller), { headers: NO_STORE });
  }
  if (caller.outcome !== 'anonymous' || isVercelCron(request.headers)) refuse(caller, request);
  const failIfStale = new URL(request.url).searchParams.get('fail_if_stale');
  if (failIfStale !== null && !['1', 'true', '0', 'false'].includes(failIfStale)) {
    throw new HttpError(400, 'Invalid fail_if_stale: use 1 or 0', { issues: [{ parameter: 'fail_if_stale', message: 'use 1 or 0' }] });
  }
  const report = await freshnessReport(getStore(), env().STALE_AFTER_SECONDS);
  const status = report.stale && (failIfStale === '1' || failIfStale === 'true') ? 503 : 200;
  return NextResponse.json(report, { status, headers: NO_STORE });
});
