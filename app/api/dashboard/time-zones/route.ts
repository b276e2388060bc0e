// GET /api/dashboard/time-zones: every IANA zone a workspace may take, with its offset from UTC now
// (for the page's list). Any signed-in reader.
import { readerOf } from '@/lib/auth/access';
import { readTimeZones } from '@/lib/dashboard/time-zones';
import { getStore } from '@/lib/db';
import { badRequest } from '@/lib/http/errors';
import { handle } from '@/lib/http/respond';
import { NextResponse } from 'next/server';

export const dynamic = 'force-dynamic';

export const GET = handle('GET /api/dashboard/time-zones', async (request: Request) => {
  await readerOf(request);
  const unknown = [...new Set(new URL(request.url).searchParams.keys())];
  if (unknown.length > 0) throw badRequest(unknown.map((parameter) => ({ parameter, message: 'this endpoint takes no parameters' })));
  // Offsets move twice a year: an hour of caching in the browser is plenty.
  return NextResponse.json(await readTimeZones(getStore()), { headers: { 'Cache-Control': 'private, max-age=3600' } });
});
