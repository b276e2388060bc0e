// Runs before every page and API request: sets the security headers (a Content-Security-Policy with
// a nonce made for this request, HSTS, nosniff, Referrer-Policy, no framing), and keeps the Supabase
// Auth cookie session alive by refreshing an expired access token with its refresh token, writing
// the new cookies to both the request (for the page or route about to run) and the response (for
// the browser). Access is decided by the routes and the page, never here. The dashboard's answers
// asked with a bearer token and no cookie skip it (config below): they have no session to refresh,
// and their route handlers set the same security headers (lib/http/respond.ts, handleAnswer).
// It also gives the page a real 503 while the schema check (lib/db/schema-check.ts, shared with the
// app in one process) knows the database is out of step with the app; a page cannot choose that
// status. Nothing is asked of the database here while the schema is in step.
import { NextResponse, type NextRequest } from 'next/server';
import { sessionProject, supabaseFor } from '@/lib/auth/session';
import { outOfStep } from '@/lib/db/schema-check';
import { SchemaOutOfStepError } from '@/lib/db/schema-version';
import { env, isDevelopmentServer, siteOrigin } from '@/lib/env';
import { classifyFailure, logFailure } from '@/lib/http/failure';
import { contentSecurityPolicy, newNonce, securityHeaders } from '@/lib/http/security-headers';
import { unavailablePage } from '@/lib/http/unavailable-page';

type CookieToSet = { name: string; value: string; options: Record<string, unknown> };

/** Refreshes the session if it needs it; the cookies to send back (already written into the request). */
async function refreshSession(request: NextRequest): Promise<CookieToSet[]> {
  const project = sessionProject(env());
  if (!project || !request.cookies.getAll().some((cookie) => cookie.name.startsWith('sb-'))) return [];
  const written: CookieToSet[] = [];
  const supabase = supabaseFor(project, {
    getAll: () => request.cookies.getAll(),
    setAll: (cookies) => {
      for (const { name, value } of cookies) request.cookies.set(name, value);
      written.push(...cookies);
    },
  });
  await supabase.auth.getSession().catch(() => undefined);
  return written;
}

export async function proxy(request: NextRequest) {
  const development = isDevelopmentServer();
  const nonce = newNonce();
  const policy = contentSecurityPolicy(nonce, { development, https: siteOrigin(env()).startsWith('https:') });
  if (request.nextUrl.pathname === '/' && (request.method === 'GET' || request.method === 'HEAD')) {
    const verdict = await outOfStep();
    if (verdict) {
      const failure = classifyFailure(new SchemaOutOfStepError(verdict));
      logFailure(failure, 'GET /');
      const page = unavailablePage(failure.message, nonce);
      for (const [name, value] of Object.entries(securityHeaders(policy, { development }))) page.headers.set(name, value);
      return page;
    }
  }
  const refreshed = await refreshSession(request);
  // Next.js takes the nonce for its scripts from the request's copy of the policy.
  const forwarded = new Headers(request.headers);
  forwarded.set('Content-Security-Policy', policy);
  const response = NextResponse.next({ request: { headers: forwarded } });
  for (const { name, value, options } of refreshed) response.cookies.set(name, value, options);
  for (const [name, value] of Object.entries(securityHeaders(policy, { development }))) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: [
    '/((?!_next/static|_next/image|favicon.ico|icon.svg|api/dashboard/(?:aggregate|campaigns|workspaces)$).*)',
    // The answers: with a cookie (a browser's session, refreshed here), or without a bearer token.
    { source: '/api/dashboard/:answer(aggregate|campaigns|workspaces)', has: [{ type: 'header', key: 'cookie' }] },
    { source: '/api/dashboard/:answer(aggregate|campaigns|workspaces)', missing: [{ type: 'header', key: 'authorization' }] },
  ],
};
