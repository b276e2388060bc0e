// POST /api/dashboard/alerts/rules?workspace_id=W with a rule (docs/alerts.md): 201 with the rule.
// Admins of W only (403 a viewer, 404 a non-member, 400 naming a bad field).
import { NextResponse } from 'next/server';
import { parseBody, parseWorkspace } from '@/lib/alerts/http';
import { refuseCrossSite } from '@/lib/http/origin';
import { saveRule } from '@/lib/alerts/manage';
import { ruleInputSchema } from '@/lib/alerts/schema';
import { readerOf } from '@/lib/auth/access';
import { getStore } from '@/lib/db';
import { NO_STORE } from '@/lib/http/refresh';
import { handle } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

export const POST = handle('POST /api/dashboard/alerts/rules', async (request: Request) => {
  refuseCrossSite(request);
  const reader = await readerOf(request);
  const workspaceId = parseWorkspace(request.url);
  const saved = await saveRule(getStore(), reader, workspaceId, await parseBody(request, ruleInputSchema));
  return NextResponse.json(saved, { status: 201, headers: NO_STORE });
});
