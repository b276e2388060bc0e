// The one error mapper of every route: user errors become 4xx naming the field, database trouble a
// 503 with a short message (the cause goes to the server log as one JSON line), never a stack trace.
import { NextResponse } from 'next/server';
import { explainFailure } from '../db/schema-check';
import { env, isDevelopmentServer, siteOrigin } from '../env';
import { errorBodySchema } from './errors';
import { classifyFailure, logFailure } from './failure';
import { withSecurityHeaders } from './security-headers';

/**
 * Maps any thrown value to a response (the classes are lib/http/failure.ts's). The body is parsed
 * with the schema the OpenAPI document publishes for errors: it carries nothing else.
 */
export function errorResponse(error: unknown, route: string): NextResponse {
  const failure = classifyFailure(error);
  logFailure(failure, route);
  return NextResponse.json(errorBodySchema.parse({ error: failure.message, ...failure.extra }), { status: failure.status, headers: failure.headers });
}

/**
 * Wraps a route handler so every failure goes through errorResponse; a failure that looks like a
 * schema out of step is checked against the database's schema version first.
 */
export function handle<Args extends unknown[]>(route: string, handler: (...args: Args) => Promise<Response>) {
  return async (...args: Args): Promise<Response> => {
    try {
      return await handler(...args);
    } catch (error) {
      return errorResponse(await explainFailure(error), route);
    }
  };
}

/**
 * handle() for the dashboard's answers (aggregate, campaigns, workspaces). Asked with a bearer token
 * and no cookie they do not pass through proxy.ts (its matcher: there is no session to refresh, and
 * the proxy's own cost is a large share of a kept answer's), so every response gets the security
 * headers the proxy would have set here; with a cookie the proxy runs as well.
 */
export function handleAnswer<Args extends unknown[]>(route: string, handler: (...args: Args) => Promise<Response>) {
  const handled = handle(route, handler);
  return async (...args: Args): Promise<Response> => {
    const response = await handled(...args);
    const development = isDevelopmentServer();
    return withSecurityHeaders(response, { development, https: siteOrigin(env()).startsWith('https:') });
  };
}

/** Caching of the dashboard's answers: the browser may keep them, and must ask again (ETag) before reuse. */
export const DASHBOARD_CACHE_CONTROL = 'private, max-age=0, must-revalidate';

/** How the server found an answer (lib/dashboard/answer-cache.ts): hit, miss, off or bypass. */
export const ANSWER_CACHE_HEADER = 'x-dashboard-cache';

/**
 * A dashboard answer as a response: 200 with its ETag (none for raw answers), or 304 without a body.
 * The body is an object, or JSON text already (a kept answer, sent as it was kept).
 */
export function answerResponse(
  answer: ({ kind: 'data'; etag: string | null; cache?: string } & ({ body: unknown } | { json: string })) | { kind: 'not-modified'; etag: string },
): NextResponse {
  // Vary: the answer leaves gzipped or as it is, as the request's Accept-Encoding asks (Next.js
  // compresses it under `next start`, the edge on Vercel): a shared cache must keep the two apart.
  const headers: Record<string, string> = { 'Cache-Control': DASHBOARD_CACHE_CONTROL, Vary: 'Accept-Encoding' };
  if (answer.kind === 'not-modified') return new NextResponse(null, { status: 304, headers: { ...headers, ETag: answer.etag } });
  if (answer.etag) headers.ETag = answer.etag;
  if (answer.cache) headers[ANSWER_CACHE_HEADER] = answer.cache;
  if ('json' in answer) return new NextResponse(answer.json, { headers: { ...headers, 'Content-Type': 'application/json' } });
  return NextResponse.json(answer.body, { headers });
}
