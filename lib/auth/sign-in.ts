// Signing in and out through Supabase Auth (GoTrue) on the server: the /login page posts plain HTML
// forms here, and the session lands in @supabase/ssr's cookies on the redirect that follows.
import { SignJWT } from 'jose';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { getStore } from '../db';
import { env as currentEnv, siteOrigin, type Env } from '../env';
import { logEvent } from '../log';
import { credentialsFromRequest } from './access';
import { safeNext } from './redirect';
import {
  DEV_SESSION_URL, devSignInEnabled, sessionCookieOptions, sessionCookies, sessionProject, supabaseFor, type SessionProject,
} from './session';
import { recordSignInAttempt, tooManyAttempts, type SignInAction } from './throttle';

/** What /login shows after a redirect back (codes only: no message from elsewhere is echoed). */
export const LOGIN_MESSAGES = {
  'invalid-credentials': 'Wrong email or password.',
  'invalid-email': 'Enter a valid email address.',
  'link-sent': 'Check your inbox: we sent you a sign-in link.',
  'link-invalid': 'That sign-in link is invalid or has expired. Ask for a new one.',
  'not-configured': 'Sign-in is not configured on this server (SUPABASE_URL and SUPABASE_ANON_KEY).',
  unavailable: 'Sign-in is unavailable right now. Try again in a moment.',
  'signed-out': 'You are signed out.',
  'mfa-required': 'This dashboard requires multi-factor authentication (MFA): your session did not complete it.',
} as const;
export type LoginMessage = keyof typeof LOGIN_MESSAGES;

const emailSchema = z.email().max(320);

type CookieToSet = { name: string; value: string; options: Record<string, unknown> };

/**
 * A 303 to a path of this site, as a relative Location: the browser resolves it against the address
 * it used (behind a proxy or on 127.0.0.1, request.url may name another host, whose cookies differ).
 */
function seeOther(path: string): NextResponse {
  return new NextResponse(null, { status: 303, headers: { Location: path, 'Cache-Control': 'no-store' } });
}

/** A Supabase client on the request's cookies that collects what it writes, for the redirect. */
function clientFor(project: SessionProject, request: Request) {
  const written: CookieToSet[] = [];
  const { cookies } = credentialsFromRequest(request);
  const supabase = supabaseFor(project, { getAll: () => cookies.getAll(), setAll: (list) => written.push(...list) });
  const redirect = (path: string): NextResponse => {
    const response = seeOther(path);
    for (const { name, value, options } of written) response.cookies.set(name, value, options);
    return response;
  };
  return { supabase, redirect };
}

const toLogin = (message: LoginMessage): NextResponse => seeOther(`/login?message=${message}`);

/** Counts the attempt; a 429 when this client or address tried too often, else null (go on). */
async function throttled(request: Request, env: Env, action: SignInAction, email: string | null): Promise<NextResponse | null> {
  const verdict = await recordSignInAttempt(getStore(), request, env, action, email);
  return verdict.allowed ? null : tooManyAttempts(request, verdict);
}

export async function passwordSignIn(request: Request, env: Env = currentEnv()): Promise<Response> {
  const project = sessionProject(env);
  if (!project) return toLogin('not-configured');
  const form = await request.formData().catch(() => null);
  const email = emailSchema.safeParse(form?.get('email'));
  const password = form?.get('password');
  if (!email.success) return toLogin('invalid-email');
  if (typeof password !== 'string' || password === '') return toLogin('invalid-credentials');
  const refused = await throttled(request, env, 'password', email.data);
  if (refused) return refused;
  const { supabase, redirect } = clientFor(project, request);
  const { error } = await supabase.auth.signInWithPassword({ email: email.data, password });
  if (error) {
    const status = error.status ?? 0;
    logEvent(status >= 500 || status === 0 ? 'error' : 'info', 'sign_in_failed', { method: 'password', status, code: error.code });
    return toLogin(status >= 500 || status === 0 ? 'unavailable' : 'invalid-credentials');
  }
  return redirect(safeNext(form?.get('next'), siteOrigin(env)));
}

export async function sendMagicLink(request: Request, env: Env = currentEnv()): Promise<Response> {
  const project = sessionProject(env);
  if (!project) return toLogin('not-configured');
  const form = await request.formData().catch(() => null);
  const email = emailSchema.safeParse(form?.get('email'));
  if (!email.success) return toLogin('invalid-email');
  const refused = await throttled(request, env, 'magic-link', email.data);
  if (refused) return refused;
  const { supabase, redirect } = clientFor(project, request);
  // The configured site, never the request's Origin or Host: a client chooses those, and the link
  // would carry the victim's sign-in to the client's site.
  const site = siteOrigin(env);
  const confirm = new URL('/auth/confirm', site);
  confirm.searchParams.set('next', safeNext(form?.get('next'), site));
  // Invite-only: a link signs in an existing user; it never creates one.
  const { error } = await supabase.auth.signInWithOtp({ email: email.data, options: { emailRedirectTo: confirm.href, shouldCreateUser: false } });
  if (error && (error.status ?? 0) >= 500) {
    logEvent('error', 'magic_link_failed', { status: error.status, code: error.code });
    return toLogin('unavailable');
  }
  // The same answer whether or not the address has an account (no account enumeration). The PKCE
  // verifier cookie written by signInWithOtp travels with this redirect.
  const response = redirect('/login?message=link-sent');
  return response;
}

const otpTypes = ['email', 'magiclink', 'signup', 'invite', 'recovery', 'email_change'] as const;

/** The link in the email: ?token_hash=…&type=… (Supabase's SSR template) or ?code=… (PKCE redirect). */
export async function confirmEmail(request: Request, env: Env = currentEnv()): Promise<Response> {
  const project = sessionProject(env);
  if (!project) return toLogin('not-configured');
  const params = new URL(request.url).searchParams;
  const { supabase, redirect } = clientFor(project, request);
  const tokenHash = params.get('token_hash');
  const type = z.enum(otpTypes).safeParse(params.get('type'));
  const code = params.get('code');
  if ((tokenHash && type.success) || code) {
    const refused = await throttled(request, env, 'confirm', null);
    if (refused) return refused;
  }
  let failed = true;
  if (tokenHash && type.success) {
    failed = Boolean((await supabase.auth.verifyOtp({ token_hash: tokenHash, type: type.data })).error);
  } else if (code) {
    failed = Boolean((await supabase.auth.exchangeCodeForSession(code)).error);
  }
  if (failed) return toLogin('link-invalid');
  return redirect(safeNext(params.get('next'), siteOrigin(env)));
}

export async function signOut(request: Request, env: Env = currentEnv()): Promise<Response> {
  const project = sessionProject(env);
  let response: NextResponse;
  if (project) {
    const { supabase, redirect } = clientFor(project, request);
    // Revokes this session at Supabase Auth when it can be reached.
    await supabase.auth.signOut({ scope: 'local' }).catch(() => undefined);
    response = redirect('/login?message=signed-out');
  } else {
    response = toLogin('signed-out');
  }
  // Whatever Supabase answered, this browser's session cookies go.
  for (const { name } of credentialsFromRequest(request).cookies.getAll()) {
    if (name.startsWith('sb-') && !response.cookies.get(name)) response.cookies.set(name, '', { ...sessionCookieOptions(), maxAge: 0 });
  }
  return response;
}

/** How long a dev sign-in lasts; /auth/dev-sign-in again (or reloading /) renews it. */
const DEV_SESSION_SECONDS = 12 * 3600;

/**
 * `npm run dev` only: signs the launcher's demo user in with a token minted from the per-.data
 * secret. Anything else (a production build, next dev without the launcher) gets a 404.
 */
export async function devSignIn(request: Request, env: Env = currentEnv()): Promise<Response> {
  if (!devSignInEnabled(env) || !env.DASHBOARD_DEV_SIGN_IN_USER || !env.SUPABASE_JWT_SECRET) {
    return NextResponse.json({ error: 'Not found.' }, { status: 404 });
  }
  const userId = env.DASHBOARD_DEV_SIGN_IN_USER;
  const email = 'demo@example.com';
  const expiresAt = Math.floor(Date.now() / 1000) + DEV_SESSION_SECONDS;
  const token = await new SignJWT({ role: 'authenticated', email })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setAudience('authenticated')
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(env.SUPABASE_JWT_SECRET));
  const response = seeOther(safeNext(new URL(request.url).searchParams.get('next'), siteOrigin(env)));
  for (const { name, value } of sessionCookies(DEV_SESSION_URL, token, expiresAt, { id: userId, email })) {
    response.cookies.set(name, value, { ...sessionCookieOptions(), maxAge: DEV_SESSION_SECONDS });
  }
  return response;
}
