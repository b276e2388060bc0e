// POST: refresh the views now (x-refresh-token or Bearer CRON_SECRET).
// GET: Vercel Cron's call (Bearer CRON_SECRET) refreshes too; without credentials it reports
// freshness (ages only; 503 with ?fail_if_stale=1 when a view is stale) and never refreshes.
// lib/admin/auth.ts gives the verdict; this route maps it to HTTP.
import { NextResponse } from 'next/server';
import { refreshVerdict, type RefreshSecrets, type RefreshVerdict } from '@/lib/admin/auth';
import { publicFreshnessReport, refreshForOperator } from '@/lib/admin/refresh-service';
import { deliverAfterResponse } from '@/lib/alerts/after-response';
import { getStore } from '@/lib/db';
import { env } from '@/lib/env';
import { HttpError } from '@/lib/http/errors';
import { failIfStale, NO_STORE, refreshResponse } from '@/lib/http/refresh';
import { handle } from '@/lib/http/respond';
import { logEvent } from '@/lib/log';

export const dynamic = 'force-dynamic';
// A refresh of large views can take minutes; 300 s is allowed on every Vercel plan (Hobby's ceiling).
export const maxDuration = 300;

// env() throws EnvError (e.g. a secret under 32 characters); the shared mapper answers 503 naming it.
const secrets = (): RefreshSecrets => ({ refreshToken: env().MATERIALIZED_VIEWS_REFRESH_TOKEN, cronSecret: env().CRON_SECRET });

/** 503 naming the variable to set, or 401 with no hint which secret was tried; logged by header name only. */
function refused(verdict: Extract<RefreshVerdict, { kind: 'not-configured' | 'unauthorized' }>): never {
  if (verdict.kind === 'not-configured') {
    logEvent('error', 'views_refresh_not_configured', { message: verdict.message, vercel_cron: verdict.vercelCron });
    throw new HttpError(503, verdict.message, {}, NO_STORE);
  }
  logEvent('warn', 'views_refresh_unauthorized', { presented: verdict.presented, vercel_cron: verdict.vercelCron });
  throw new HttpError(401, 'Unauthorized.', {}, { ...NO_STORE, 'WWW-Authenticate': 'Bearer' });
}

async function answer(method: 'GET' | 'POST', request: Request): Promise<Response> {
  const verdict = refreshVerdict(method, request.headers, secrets());
  switch (verdict.kind) {
    case 'refresh':
      // The alerts are evaluated with the refresh, refreshed or not; their notifications go out after the answer.
      try {
        return refreshResponse(await refreshForOperator(getStore(), verdict.via));
      } finally {
        deliverAfterResponse(getStore());
      }
    case 'report-freshness': {
      const failing = failIfStale(request.url);
      // Anonymous: ages only, no tenant's pending buckets (operators get those with their refresh).
      const report = await publicFreshnessReport(getStore(), env().STALE_AFTER_SECONDS);
      return NextResponse.json(report, { status: report.stale && failing ? 503 : 200, headers: NO_STORE });
    }
    default:
      refused(verdict);
  }
}

export const POST = handle('POST /api/admin/refresh-views', (request: Request) => answer('POST', request));
export const GET = handle('GET /api/admin/refresh-views', (request: Request) => answer('GET', request));
