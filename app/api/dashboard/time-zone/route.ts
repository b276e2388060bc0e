// GET /api/dashboard/time-zone?workspace_id=W: the workspace's zone (members).
// PUT /api/dashboard/time-zone?workspace_id=W with {"time_zone": "America/New_York"}: changes it
// (admins; 403 a viewer or a request from another site, 400 naming an unknown zone). The next refresh rebuilds that workspace.
import { parseRefreshTarget } from '@/lib/admin/member-refresh';
import { readerOf } from '@/lib/auth/access';
import { readWorkspaceTimeZone, setWorkspaceTimeZone, timeZoneBodySchema } from '@/lib/dashboard/time-zones';
import { getStore } from '@/lib/db';
import { badRequest, issuesFromZod } from '@/lib/http/errors';
import { refuseCrossSite } from '@/lib/http/origin';
import { NO_STORE } from '@/lib/http/refresh';
import { handle } from '@/lib/http/respond';
import { NextResponse } from 'next/server';

export const dynamic = 'force-dynamic';

export const GET = handle('GET /api/dashboard/time-zone', async (request: Request) => {
  const reader = await readerOf(request);
  const workspaceId = parseRefreshTarget(request.url);
  return NextResponse.json(await readWorkspaceTimeZone(getStore(), reader, workspaceId), { headers: NO_STORE });
});

export const PUT = handle('PUT /api/dashboard/time-zone', async (request: Request) => {
  refuseCrossSite(request);
  const reader = await readerOf(request);
  const workspaceId = parseRefreshTarget(request.url);
  const json: unknown = await request.json().catch(() => undefined);
  if (json === undefined) throw badRequest([{ parameter: 'body', message: 'the body must be JSON: {"time_zone": "America/New_York"}' }]);
  const body = timeZoneBodySchema.safeParse(json);
  if (!body.success) throw badRequest(issuesFromZod(body.error).map((issue) => ({ ...issue, parameter: issue.parameter === 'query' ? 'body' : issue.parameter })));
  return NextResponse.json(await setWorkspaceTimeZone(getStore(), reader, workspaceId, body.data.time_zone), { headers: NO_STORE });
});
