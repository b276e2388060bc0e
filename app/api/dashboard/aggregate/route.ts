// GET /api/dashboard/aggregate: the dashboard for one workspace and range (ARCHITECTURE.md contract),
// for a member of that workspace (401 signed out, 404 not a member, 403 source=raw as a viewer); answers
// from the views served from the answers cache until a refresh changes them.
import { readerOf } from '@/lib/auth/access';
import { serveDashboardJson } from '@/lib/dashboard/answer-cache';
import { parseDashboardRequest } from '@/lib/dashboard/query';
import { env } from '@/lib/env';
import { answerResponse, handleAnswer } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

export const GET = handleAnswer('GET /api/dashboard/aggregate', async (request: Request) => {
  const reader = await readerOf(request);
  const query = parseDashboardRequest(new URL(request.url).searchParams, { defaultSource: env().DASHBOARD_SOURCE });
  return answerResponse(await serveDashboardJson(reader, query, request.headers.get('if-none-match')));
});
