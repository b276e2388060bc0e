// The one error mapper of every route: user errors become 4xx naming the field, database trouble a
// 503 with a short message (the cause goes to the server log as one JSON line), never a stack trace.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { isStoreUnavailableError } from '../db/store';
import { isEnvError } from '../env';
import { logEvent } from '../log';
import { isHttpError } from './errors';

/** zod's own check is by trait, not by class; the name and issues are a fallback for another copy of zod. */
function isZodError(error: unknown): error is z.ZodError {
  return error instanceof z.ZodError
    || (error instanceof Error && error.name === 'ZodError' && Array.isArray((error as { issues?: unknown }).issues));
}

/**
 * Maps any thrown value to a response. Known errors keep their status; the rest are 503/500.
 * Recognised by brand (lib/errors.ts), never by `instanceof`, which fails in the production bundle.
 */
export function errorResponse(error: unknown, route: string): NextResponse {
  if (isHttpError(error)) {
    return NextResponse.json({ error: error.message, ...error.extra }, { status: error.status, headers: error.headers });
  }
  if (isStoreUnavailableError(error)) {
    logEvent('error', 'database_unavailable', { route, ...error.detail });
    return NextResponse.json({ error: error.message }, { status: 503, headers: { 'Retry-After': '30' } });
  }
  if (isEnvError(error)) {
    // Names the variables, never their values.
    logEvent('error', 'invalid_environment', { route, variables: error.variables });
    return NextResponse.json({ error: `The server is misconfigured: check ${error.variables.join(', ')}.` }, { status: 503 });
  }
  if (isZodError(error)) {
    // The database answered with a shape we do not expect: a drifted migration.
    logEvent('error', 'unexpected_database_response', { route, issues: error.issues.slice(0, 5) });
    return NextResponse.json({ error: 'The database answered in an unexpected format.' }, { status: 503 });
  }
  logEvent('error', 'unhandled_error', { route, message: error instanceof Error ? error.message : String(error) });
  return NextResponse.json({ error: 'Internal error.' }, { status: 500 });
}

/** Wraps a route handler so every failure goes through errorResponse. */
export function handle<Args extends unknown[]>(route: string, handler: (...args: Args) => Promise<Response>) {
  return async (...args: Args): Promise<Response> => {
    try {
      return await handler(...args);
    } catch (error) {
      return errorResponse(error, route);
    }
  };
}

/** Caching of the dashboard's answers: the browser may keep them, and must ask again (ETag) before reuse. */
export const DASHBOARD_CACHE_CONTROL = 'private, max-age=0, must-revalidate';

/** A dashboard answer as a response: 200 with its ETag (none for raw answers), or 304 without a body. */
export function answerResponse(answer: { kind: 'data'; body: unknown; etag: string | null } | { kind: 'not-modified'; etag: string }): NextResponse {
  if (answer.kind === 'not-modified') {
    return new NextResponse(null, { status: 304, headers: { ETag: answer.etag, 'Cache-Control': DASHBOARD_CACHE_CONTROL } });
  }
  const headers: Record<string, string> = { 'Cache-Control': DASHBOARD_CACHE_CONTROL };
  if (answer.etag) headers.ETag = answer.etag;
  return NextResponse.json(answer.body, { headers });
}
