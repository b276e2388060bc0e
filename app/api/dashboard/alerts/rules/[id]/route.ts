// PUT /api/dashboard/alerts/rules/:id?workspace_id=W with a whole rule: changes it (its state is kept;
// the next evaluation judges it by the new settings). DELETE removes it. Admins of W only.
import { NextResponse } from 'next/server';
import { parseBody, parseId, parseWorkspace } from '@/lib/alerts/http';
import { refuseCrossSite } from '@/lib/http/origin';
import { removeRule, saveRule } from '@/lib/alerts/manage';
import { ruleInputSchema } from '@/lib/alerts/schema';
import { readerOf } from '@/lib/auth/access';
import { getStore } from '@/lib/db';
import { NO_STORE } from '@/lib/http/refresh';
import { handle } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ id: string }> };

export const PUT = handle('PUT /api/dashboard/alerts/rules/:id', async (request: Request, context: Context) => {
  refuseCrossSite(request);
  const reader = await readerOf(request);
  const workspaceId = parseWorkspace(request.url);
  const id = await parseId(context.params);
  const saved = await saveRule(getStore(), reader, workspaceId, await parseBody(request, ruleInputSchema), id);
  return NextResponse.json(saved, { headers: NO_STORE });
});

export const DELETE = handle('DELETE /api/dashboard/alerts/rules/:id', async (request: Request, context: Context) => {
  refuseCrossSite(request);
  const reader = await readerOf(request);
  const workspaceId = parseWorkspace(request.url);
  await removeRule(getStore(), reader, workspaceId, await parseId(context.params));
  return new NextResponse(null, { status: 204, headers: NO_STORE });
});
