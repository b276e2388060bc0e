// GET /api/dashboard/campaigns: every campaign of a workspace with activity in the range, side by
// side. The aggregate's parameters (but interval and compare), errors, access rules and caching.
import { readerOf } from '@/lib/auth/access';
import { serveCampaignsJson } from '@/lib/dashboard/answer-cache';
import { parseCampaignsRequest } from '@/lib/dashboard/query';
import { env } from '@/lib/env';
import { answerResponse, handleAnswer } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

export const GET = handleAnswer('GET /api/dashboard/campaigns', async (request: Request) => {
  const reader = await readerOf(request);
  const query = parseCampaignsRequest(new URL(request.url).searchParams, { defaultSource: env().DASHBOARD_SOURCE });
  return answerResponse(await serveCampaignsJson(reader, query, request.headers.get('if-none-match')));
});
