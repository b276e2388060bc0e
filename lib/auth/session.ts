// The cookie session of Supabase Auth (@supabase/ssr): which project's cookies we read, a server
// client bound to a request's cookies, and the session's access token.
import { createChunks, createServerClient, stringToBase64URL } from '@supabase/ssr';
import type { SupabaseClient } from '@supabase/supabase-js';
import { RealtimeUnused, type RealtimeTransport } from '../db/supabase';
import { isDevelopmentServer, type Env } from '../env';

export interface CookieJar {
  getAll(): Array<{ name: string; value: string }>;
  /** Absent where cookies cannot be written (a server component); the proxy writes refreshes there. */
  setAll?(cookies: Array<{ name: string; value: string; options: Record<string, unknown> }>): void;
}

export interface SessionProject {
  url: string;
  key: string;
}

/**
 * Stands in for a project URL under `npm run dev`'s dev sign-in: it names the cookie
 * (sb-dev-sign-in-auth-token) and never resolves (RFC 2606), so no token refresh can leave the machine.
 */
export const DEV_SESSION_URL = 'http://dev-sign-in.invalid';

/** The Supabase project whose session cookies this server reads and signs in with, if one is configured. */
export function sessionProject(env: Env): SessionProject | null {
  return env.SUPABASE_URL && env.SUPABASE_ANON_KEY ? { url: env.SUPABASE_URL, key: env.SUPABASE_ANON_KEY } : null;
}

/** The cookies of `npm run dev`'s dev sign-in (no Supabase Auth behind them), when it is on. */
export function devSessionProject(env: Env): SessionProject | null {
  return devSignInEnabled(env) ? { url: DEV_SESSION_URL, key: 'dev-sign-in' } : null;
}

/** The dev sign-in of `npm run dev`: a development server, the launcher's user and its secret. */
export function devSignInEnabled(env: Env): boolean {
  return isDevelopmentServer() && Boolean(env.DASHBOARD_DEV_SIGN_IN_USER && env.SUPABASE_JWT_SECRET) && !env.SUPABASE_URL;
}

/**
 * How every session cookie is written (Supabase's, the dev sign-in's, their deletion). Only the server
 * reads the session (there is no browser client), so page scripts never see it; outside development
 * it never travels over plain http (it holds a refresh token that lives up to 400 days).
 */
export function sessionCookieOptions() {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: !isDevelopmentServer() } as const;
}

export function supabaseFor(project: SessionProject, jar: CookieJar): SupabaseClient {
  return createServerClient(project.url, project.key, {
    cookies: {
      getAll: () => jar.getAll(),
      setAll: (cookies) => jar.setAll?.(cookies),
    },
    cookieOptions: sessionCookieOptions(),
    auth: { autoRefreshToken: false, detectSessionInUrl: false },
    // Auth only. Node 20 has no global WebSocket, which supabase-js checks for at creation.
    realtime: { transport: RealtimeUnused as unknown as RealtimeTransport },
  });
}

/** The access token of the cookie session, if any (refreshed first when expired and refreshable). */
export async function sessionAccessToken(project: SessionProject, jar: CookieJar): Promise<string | null> {
  if (!jar.getAll().some((cookie) => cookie.name.startsWith('sb-'))) return null;
  const { data } = await supabaseFor(project, jar).auth.getSession();
  return data.session?.access_token ?? null;
}

/** The name @supabase/ssr stores a project's session under. */
export function sessionCookieName(projectUrl: string): string {
  return `sb-${new URL(projectUrl).hostname.split('.')[0]}-auth-token`;
}

/**
 * A session in the cookies @supabase/ssr writes (base64-encoded JSON, chunked when long), for the
 * dev sign-in, which has no Supabase Auth to create one, and for tests.
 */
export function sessionCookies(projectUrl: string, accessToken: string, expiresAt: number, user: { id: string; email: string }) {
  const session = {
    access_token: accessToken,
    token_type: 'bearer',
    expires_in: Math.max(0, expiresAt - Math.floor(Date.now() / 1000)),
    expires_at: expiresAt,
    refresh_token: '',
    user: { id: user.id, aud: 'authenticated', role: 'authenticated', email: user.email, app_metadata: {}, user_metadata: {}, created_at: new Date(0).toISOString() },
  };
  return createChunks(sessionCookieName(projectUrl), `base64-${stringToBase64URL(JSON.stringify(session))}`);
}
