// Who is calling: the one verdict every dashboard route and the page map to a response. An access
// token comes from `Authorization: Bearer <token>` or the Supabase Auth cookie session, and is
// verified locally. Membership of a workspace is not decided here: the SQL functions check it in
// the same round trip as the read (see supabase/migrations/*_workspace_members.sql).
import { parseCookieHeader } from '@supabase/ssr';
import { env as currentEnv, tokenIssuer, type Env } from '../env';
import { HttpError } from '../http/errors';
import { logEvent } from '../log';
import { devSessionProject, sessionAccessToken, sessionProject, type CookieJar } from './session';
import { verifyAccessToken } from './tokens';

export interface Credentials {
  authorization: string | null;
  cookies: CookieJar;
}

export type Verdict =
  /** DASHBOARD_AUTH=off: the only open mode. */
  | { kind: 'open' }
  /** A valid access token: this user, whose memberships the database checks. */
  | { kind: 'user'; userId: string; email: string | null }
  /** No credentials at all. */
  | { kind: 'anonymous' }
  /** A valid token without multi-factor authentication, where DASHBOARD_REQUIRE_AAL2=1 asks for it. */
  | { kind: 'mfa-required'; email: string | null }
  /** Credentials that do not verify: forged, expired, wrong audience, malformed, wrong scheme. */
  | { kind: 'invalid'; reason: string }
  /** Credentials we cannot check now (no way to verify configured, signing keys unreachable). */
  | { kind: 'unavailable'; message: string };

/** A caller allowed past authentication: everyone in open mode, else one user. */
export type Reader = { kind: 'open' } | { kind: 'user'; userId: string; email: string | null };

export async function authenticate(credentials: Credentials, env: Env = currentEnv()): Promise<Verdict> {
  if (env.DASHBOARD_AUTH === 'off') return { kind: 'open' };
  let token: string | null = null;
  if (credentials.authorization !== null) {
    // The scheme is required but case-insensitive (RFC 7235); a bare token is refused.
    token = /^bearer +(\S+) *$/i.exec(credentials.authorization)?.[1] ?? null;
    if (!token) return { kind: 'invalid', reason: 'Authorization is not "Bearer <token>"' };
  } else {
    const project = sessionProject(env) ?? devSessionProject(env);
    token = project ? await sessionAccessToken(project, credentials.cookies).catch(() => null) : null;
  }
  if (!token) return { kind: 'anonymous' };
  const check = await verifyAccessToken(token, { supabaseUrl: env.SUPABASE_URL, jwtSecret: env.SUPABASE_JWT_SECRET, issuer: tokenIssuer(env) });
  switch (check.outcome) {
    case 'valid':
      if (env.DASHBOARD_REQUIRE_AAL2 && check.aal !== 'aal2') return { kind: 'mfa-required', email: check.email };
      return { kind: 'user', userId: check.userId, email: check.email };
    case 'invalid':
      return { kind: 'invalid', reason: check.reason };
    case 'unavailable':
      logEvent('error', 'auth_keys_unavailable', { cause: check.reason });
      return { kind: 'unavailable', message: 'Sign-in cannot be checked right now (the signing keys are unreachable).' };
    case 'not-configured':
      logEvent('error', 'auth_not_configured', {});
      return { kind: 'unavailable', message: 'Sign-in is not configured on the server: set SUPABASE_URL or SUPABASE_JWT_SECRET.' };
  }
}

export const MFA_REQUIRED_MESSAGE = 'This dashboard requires multi-factor authentication (aal2): sign in again and complete the MFA challenge.';

/** The reader of an allowed verdict; otherwise the error the routes answer with (401, or 503). */
export function readerOrThrow(verdict: Verdict): Reader {
  if (verdict.kind === 'open' || verdict.kind === 'user') return verdict;
  if (verdict.kind === 'unavailable') throw new HttpError(503, verdict.message, {}, { 'Retry-After': '30' });
  if (verdict.kind === 'mfa-required') {
    // RFC 9470 (OAuth step-up): the token is valid but its authentication is too weak.
    throw new HttpError(401, MFA_REQUIRED_MESSAGE, {}, {
      'WWW-Authenticate': 'Bearer error="insufficient_user_authentication", error_description="multi-factor authentication (aal2) required"',
      'Cache-Control': 'no-store',
    });
  }
  if (verdict.kind === 'invalid') logEvent('warn', 'auth_rejected', { reason: verdict.reason });
  throw new HttpError(401, verdict.kind === 'anonymous' ? 'Sign in first.' : 'The access token is invalid or expired.', {},
    { 'WWW-Authenticate': verdict.kind === 'anonymous' ? 'Bearer' : 'Bearer error="invalid_token"', 'Cache-Control': 'no-store' });
}

/** The credentials of a route handler's request (read-only cookies: the proxy writes refreshes). */
export function credentialsFromRequest(request: Request): Credentials {
  const cookies = parseCookieHeader(request.headers.get('cookie') ?? '').map(({ name, value }) => ({ name, value: value ?? '' }));
  return { authorization: request.headers.get('authorization'), cookies: { getAll: () => cookies } };
}

/** authenticate + readerOrThrow for a route handler. */
export async function readerOf(request: Request): Promise<Reader> {
  return readerOrThrow(await authenticate(credentialsFromRequest(request)));
}
