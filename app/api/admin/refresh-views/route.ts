// POST: refresh the materialized views now (x-refresh-token or Bearer CRON_SECRET).
// GET: Vercel Cron's call (Bearer CRON_SECRET) refreshes too; without credentials it reports
// freshness (503 with ?fail_if_stale=1 when a view is stale) and never refreshes.
import { NextResponse } from 'next/server';
import { authenticateRefresh, isVercelCron, type RefreshSecrets } from '@/lib/admin/auth';
import { freshnessReport, parseFreshnessQuery, refreshNow, refusal } from '@/lib/admin/refresh-service';
import { getStore } from '@/lib/db';
import { env } from '@/lib/env';
import { handle } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';
// A refresh of large views can take minutes; 300 s is allowed on every Vercel plan (Hobby's ceiling).
export const maxDuration = 300;

const NO_STORE = { 'Cache-Control': 'no-store' };

// env() throws EnvError (e.g. a secret under 32 characters); the shared mapper answers 503 naming it.
const secrets = (): RefreshSecrets => ({ refreshToken: env().MATERIALIZED_VIEWS_REFRESH_TOKEN, cronSecret: env().CRON_SECRET });

export const POST = handle('POST /api/admin/refresh-views', async (request: Request) => {
  const configured = secrets();
  const caller = authenticateRefresh(request.headers, configured);
  if (caller.outcome !== 'authorized') throw refusal(caller, request.headers, configured);
  return NextResponse.json(await refreshNow(getStore(), caller), { headers: NO_STORE });
});

export const GET = handle('GET /api/admin/refresh-views', async (request: Request) => {
  const configured = secrets();
  const caller = authenticateRefresh(request.headers, configured);
  if (caller.outcome === 'authorized') {
    return NextResponse.json(await refreshNow(getStore(), caller), { headers: NO_STORE });
  }
  // A wrong bearer, or Vercel Cron without one, is refused: never downgraded to a freshness read.
  if (caller.outcome !== 'anonymous' || isVercelCron(request.headers)) throw refusal(caller, request.headers, configured);
  const { failIfStale } = parseFreshnessQuery(request.url);
  const report = await freshnessReport(getStore(), env().STALE_AFTER_SECONDS);
  return NextResponse.json(report, { status: report.stale && failIfStale ? 503 : 200, headers: NO_STORE });
});
