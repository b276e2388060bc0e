// Signed-in callers for the tests over HTTP: access tokens of the e2e users, minted with the fake
// Supabase project's signing key, as a Bearer header or as the cookie session a browser carries.
import type { BrowserContext } from 'playwright-core';
import { inject } from 'vitest';
import { sessionCookies } from '../../lib/auth/session';
import { mintEs256 } from './fake-supabase-auth';

export type E2eRole = 'admin' | 'viewer';

/** Tokens as the fake project issues them (its issuer is checked by the server). */
const issuer = () => `${inject('supabaseUrl')}/auth/v1`;

export async function bearerOf(role: E2eRole): Promise<Record<string, string>> {
  const { token } = await mintEs256(inject('signingJwk'), inject(role), { issuer: issuer() });
  return { authorization: `Bearer ${token}` };
}

/** Puts a signed-in session of the user into a browser context (what /auth/sign-in would set). */
export async function signIn(context: BrowserContext, role: E2eRole): Promise<void> {
  const user = inject(role);
  const { token, expiresAt } = await mintEs256(inject('signingJwk'), user, { issuer: issuer() });
  const cookies = sessionCookies(inject('supabaseUrl'), token, expiresAt, user);
  await context.addCookies(cookies.map(({ name, value }) => ({ name, value, url: inject('baseUrl'), httpOnly: true, sameSite: 'Lax' as const })));
}
