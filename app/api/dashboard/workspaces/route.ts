// GET /api/dashboard/workspaces: workspaces, their campaigns and days of data (for the filters).
import { NextResponse } from 'next/server';
import { listWorkspaces } from '@/lib/dashboard/aggregate';
import { getStore } from '@/lib/db';
import { badRequest, handle } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

export const GET = handle('GET /api/dashboard/workspaces', async (request: Request) => {
  const unknown = [...new URL(request.url).searchParams.keys()];
  if (unknown.length > 0) throw badRequest(unknown.map((parameter) => ({ parameter, message: 'this endpoint takes no parameters' })));
  const body = await listWorkspaces(getStore());
  return NextResponse.json(body, { headers: { 'Cache-Control': 'private, max-age=0, must-revalidate' } });
});
