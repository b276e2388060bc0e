// Runs before every page and API request: keeps the Supabase Auth cookie session alive by
// refreshing an expired access token with its refresh token and writing the new cookies to both
// the request (for the page or route about to run) and the response (for the browser). Access is
// decided by the routes and the page, never here.
// It also gives the page a real 503 while the schema check (lib/db/schema-check.ts, shared with the
// app in one process) knows the database is out of step with the app; a page cannot choose that
// status. Nothing is asked of the database here while the schema is in step.
import { NextResponse, type NextRequest } from 'next/server';
import { sessionProject, supabaseFor } from '@/lib/auth/session';
import { outOfStep } from '@/lib/db/schema-check';
import { SchemaOutOfStepError } from '@/lib/db/schema-version';
import { env } from '@/lib/env';
import { classifyFailure, logFailure } from '@/lib/http/failure';
import { unavailablePage } from '@/lib/http/unavailable-page';

export async function proxy(request: NextRequest) {
  if (request.nextUrl.pathname === '/' && (request.method === 'GET' || request.method === 'HEAD')) {
    const verdict = await outOfStep();
    if (verdict) {
      const failure = classifyFailure(new SchemaOutOfStepError(verdict));
      logFailure(failure, 'GET /');
      return unavailablePage(failure.message);
    }
  }
  const project = sessionProject(env());
  if (!project || !request.cookies.getAll().some((cookie) => cookie.name.startsWith('sb-'))) return NextResponse.next();
  let response = NextResponse.next({ request });
  const supabase = supabaseFor(project, {
    getAll: () => request.cookies.getAll(),
    setAll: (cookies) => {
      for (const { name, value } of cookies) request.cookies.set(name, value);
      response = NextResponse.next({ request });
      for (const { name, value, options } of cookies) response.cookies.set(name, value, options);
    },
  });
  await supabase.auth.getSession().catch(() => undefined);
  return response;
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico|icon.svg).*)'],
};
