// Throttling of sign-in per client IP and per email address, before anything reaches Supabase Auth.
// The counters and limits live in Postgres (sign_in_attempt(), migration 20251224000001), so every
// serverless instance shares them. A throttled caller gets 429 with Retry-After: a short page for the
// login page's forms (the browser shows it), JSON for anything else.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import type { DatabaseStore } from '../db/store';
import type { Env } from '../env';
import { clientIp } from '../http/client-ip';
import { logEvent } from '../log';

export type SignInAction = 'password' | 'magic-link' | 'confirm';

const verdictSchema = z.object({
  allowed: z.boolean(),
  limited_by: z.enum(['ip', 'email']).nullable(),
  retry_after_seconds: z.number().int().nonnegative(),
});
export type ThrottleVerdict = z.infer<typeof verdictSchema>;

/** Counts this attempt; the verdict says whether it may go on to Supabase Auth. */
export async function recordSignInAttempt(
  store: DatabaseStore, request: Request, env: Pick<Env, 'CLIENT_IP_HEADER'>, action: SignInAction, email: string | null,
): Promise<ThrottleVerdict> {
  const ip = clientIp(request.headers, env.CLIENT_IP_HEADER);
  const verdict = verdictSchema.parse(await store.callValue('sign_in_attempt', { p_action: action, p_client_ip: ip, p_email: email }));
  // The address is logged to spot a flood; the email never is.
  if (!verdict.allowed) logEvent('warn', 'sign_in_throttled', { action, limited_by: verdict.limited_by, client_ip: ip, retry_after_seconds: verdict.retry_after_seconds });
  return verdict;
}

const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

/** 429 with Retry-After: the login page's form posts get a page to read, API clients JSON. */
export function tooManyAttempts(request: Request, verdict: ThrottleVerdict): NextResponse {
  const wait = minutes(verdict.retry_after_seconds);
  const message = `Too many sign-in attempts. Try again in ${wait} minute${wait === 1 ? '' : 's'}.`;
  const headers = { 'Retry-After': String(verdict.retry_after_seconds), 'Cache-Control': 'no-store' };
  if (!(request.headers.get('accept') ?? '').includes('text/html')) {
    return NextResponse.json({ error: message, retry_after_seconds: verdict.retry_after_seconds }, { status: 429, headers });
  }
  // No script and no style, so the Content-Security-Policy has nothing to allow.
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Too many sign-in attempts · Campaign analytics</title></head>
<body><main><h1>Too many sign-in attempts</h1>
<p>Try again in ${wait} minute${wait === 1 ? '' : 's'}. Sign-in is limited per network and per email address to keep guessing out.</p>
<p><a href="/login">Back to sign-in</a></p></main></body></html>
`;
  return new NextResponse(page, { status: 429, headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' } });
}
