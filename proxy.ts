// Runs before every page and API request: keeps the Supabase Auth cookie session alive by
// refreshing an expired access token with its refresh token and writing the new cookies to both
// the request (for the page or route about to run) and the response (for the browser). Access is
// decided by the routes and the page, never here.
import { NextResponse, type NextRequest } from 'next/server';
import { sessionProject, supabaseFor } from '@/lib/auth/session';
import { env } from '@/lib/env';

export async function proxy(request: NextRequest) {
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
