// GET /api/openapi.json: the OpenAPI 3.1 document of this API, generated from the zod schemas the
// routes validate with (lib/openapi/document.ts). Public on purpose, with no sign-in: it describes
// the API and holds no secret and no setting of this server (no address, no environment variable's
// value). Rendered per request (built once per process, in memory), never prerendered: a static copy
// would carry Next.js's year-long s-maxage, and a shared cache could then serve the previous
// deployment's document long after a change of the API.
import { NextResponse } from 'next/server';
import { handle } from '@/lib/http/respond';
import { OPENAPI_CACHE_CONTROL, openApiDocument } from '@/lib/openapi/document';

export const dynamic = 'force-dynamic';

export const GET = handle('GET /api/openapi.json', async () =>
  NextResponse.json(openApiDocument(), { headers: { 'Cache-Control': OPENAPI_CACHE_CONTROL } }));
