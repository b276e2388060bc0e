// Verifies Supabase Auth access tokens locally, without a round trip to Supabase: asymmetric tokens
// (ES256/RS256) against the project's signing keys (JWKS, fetched once and cached by jose), legacy
// HS256 tokens against the project's shared JWT secret. Claims used: sub (uuid), exp, aud, iss (when
// the project is known: a token another project issued does not pass, even if a secret is shared)
// and aal (the caller decides whether MFA is required). A token that verified is not checked again
// for a minute (until it expires, if sooner).
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';

export interface TokenVerifierConfig {
  /** https://<project>.supabase.co: its keys are at /auth/v1/.well-known/jwks.json. */
  supabaseUrl?: string;
  /** The legacy shared secret (HS256). */
  jwtSecret?: string;
  /** The `iss` the project's tokens carry (`${SUPABASE_URL}/auth/v1`); unchecked when unknown. */
  issuer?: string;
}

export type TokenCheck =
  | { outcome: 'valid'; userId: string; email: string | null; aal: 'aal1' | 'aal2' | null }
  /** Forged, expired, for another audience, malformed, or of an algorithm we do not accept. */
  | { outcome: 'invalid'; reason: string }
  /** The signing keys could not be fetched: we cannot tell (fail closed, 503). */
  | { outcome: 'unavailable'; reason: string }
  /** Nothing to verify with (no SUPABASE_URL, no SUPABASE_JWT_SECRET). */
  | { outcome: 'not-configured' };

const AUDIENCE = 'authenticated';
const ASYMMETRIC = ['ES256', 'RS256', 'EdDSA'];

const claimsSchema = z.object({
  sub: z.uuid(),
  exp: z.number(),
  email: z.string().optional(),
  // Authenticator assurance level: aal1 after a password or a link, aal2 after an MFA challenge.
  aal: z.enum(['aal1', 'aal2']).optional().catch(undefined),
});

// One key set per project URL for the life of the process: jose caches the keys and refetches on an
// unknown kid (at most every 30 s), so a key rotation is picked up without a restart.
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

export function jwksUrl(supabaseUrl: string): URL {
  return new URL('/auth/v1/.well-known/jwks.json', supabaseUrl);
}

function keySetFor(supabaseUrl: string) {
  const url = jwksUrl(supabaseUrl);
  let keySet = keySets.get(url.href);
  if (!keySet) {
    keySet = createRemoteJWKSet(url, { timeoutDuration: 3_000, cacheMaxAge: 10 * 60_000 });
    keySets.set(url.href, keySet);
  }
  return keySet;
}

// The legacy shared secret as a key, imported once per secret: jose would import raw bytes again on
// every call (a WebCrypto importKey per request).
const secretKeys = new Map<string, Promise<CryptoKey>>();

function sharedSecretKey(secret: string): Promise<CryptoKey> {
  let key = secretKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    secretKeys.set(secret, key);
  }
  return key;
}

// A token that verified is remembered, by its exact text and the configuration that verified it,
// until it expires or for a minute, whichever is sooner: a reader's next requests cost no signature
// check (WebCrypto's, a hop through libuv's thread pool on every request). This accepts nothing a
// check would refuse: the shared secret does not change while the process runs, and a signing key
// removed from the project's key set is already trusted for up to cacheMaxAge (10 minutes) above.
// Refusals are not remembered. Bounded: past MAX_REMEMBERED the oldest is forgotten first.
const REMEMBER_FOR_MS = 60_000;
const MAX_REMEMBERED = 1_000;
type Valid = Extract<TokenCheck, { outcome: 'valid' }>;
const remembered = new Map<string, { verifiedWith: string; until: number; check: Valid }>();

export async function verifyAccessToken(token: string, config: TokenVerifierConfig): Promise<TokenCheck> {
  const verifiedWith = JSON.stringify([config.supabaseUrl ?? null, config.jwtSecret ?? null, config.issuer ?? null]);
  const known = remembered.get(token);
  if (known && known.verifiedWith === verifiedWith && Date.now() < known.until) return known.check;
  if (known) remembered.delete(token);
  const { check, expiresAt } = await verifySignature(token, config);
  if (check.outcome === 'valid' && expiresAt !== null) {
    if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.keys().next().value ?? '');
    remembered.set(token, { verifiedWith, until: Math.min(expiresAt * 1000, Date.now() + REMEMBER_FOR_MS), check });
  }
  return check;
}

async function verifySignature(token: string, config: TokenVerifierConfig): Promise<{ check: TokenCheck; expiresAt: number | null }> {
  const only = (check: TokenCheck) => ({ check, expiresAt: null });
  if (!config.supabaseUrl && !config.jwtSecret) return only({ outcome: 'not-configured' });
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    return only({ outcome: 'invalid', reason: 'malformed token' });
  }
  let payload: JWTPayload;
  try {
    if (alg === 'HS256') {
      if (!config.jwtSecret) return only({ outcome: 'invalid', reason: 'HS256 token but no SUPABASE_JWT_SECRET configured' });
      ({ payload } = await jwtVerify(token, await sharedSecretKey(config.jwtSecret), {
        algorithms: ['HS256'], audience: AUDIENCE, requiredClaims: ['sub', 'exp'], ...(config.issuer ? { issuer: config.issuer } : {}),
      }));
    } else if (alg && ASYMMETRIC.includes(alg)) {
      if (!config.supabaseUrl) return only({ outcome: 'invalid', reason: `${alg} token but no SUPABASE_URL to fetch signing keys from` });
      ({ payload } = await jwtVerify(token, keySetFor(config.supabaseUrl), {
        algorithms: ASYMMETRIC, audience: AUDIENCE, requiredClaims: ['sub', 'exp'], ...(config.issuer ? { issuer: config.issuer } : {}),
      }));
    } else {
      return only({ outcome: 'invalid', reason: `algorithm ${String(alg)} is not accepted` });
    }
  } catch (error) {
    // Could not get the keys (timeout, network, not a 200, not a key set): not the caller's fault.
    const keysUnavailable = error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid
      || (error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC');
    if (keysUnavailable || !(error instanceof errors.JOSEError)) {
      return only({ outcome: 'unavailable', reason: error instanceof Error ? error.message : String(error) });
    }
    return only({ outcome: 'invalid', reason: error.code });
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) return only({ outcome: 'invalid', reason: 'sub is not a user id' });
  return { check: { outcome: 'valid', userId: claims.data.sub, email: claims.data.email ?? null, aal: claims.data.aal ?? null }, expiresAt: claims.data.exp };
}
