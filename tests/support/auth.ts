// Sign-in for tests: access tokens minted here (HS256 with a test secret, ES256 with a key whose
// public half a local HTTP server publishes as the project's JWKS), members added to the real
// database, and the environment of a server that requires sign-in.
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type pg from 'pg';
import { resetEnvCache } from '../../lib/env';

export const TEST_JWT_SECRET = randomBytes(32).toString('hex');
export const TEST_ANON_KEY = `test-anon-key-${randomBytes(8).toString('hex')}`;
/** The site the in-process app believes it is (SITE_URL; see tests/support/setup.ts). */
export const TEST_SITE_URL = 'https://dashboard.test';

/** The issuer of the project requireSignIn configured (`${SUPABASE_URL}/auth/v1`), as Supabase sets `iss`. */
let projectIssuer: string | undefined;

export interface TokenOptions {
  sub?: string;
  email?: string;
  aud?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  secret?: string;
  /** Default: the configured project's issuer (none when only a JWT secret is configured); null: no iss. */
  iss?: string | null;
  /** The authenticator assurance level: aal1 (password, link) or aal2 (after MFA). Default: none. */
  aal?: 'aal1' | 'aal2';
}

/** The claims every test token carries, with iss and aal when there are any. */
function baseClaims(options: TokenOptions): Record<string, string> {
  const claims: Record<string, string> = { role: 'authenticated', email: options.email ?? 'member@example.com' };
  const iss = options.iss === undefined ? projectIssuer : options.iss;
  if (iss) claims.iss = iss;
  if (options.aal) claims.aal = options.aal;
  return claims;
}

/** A legacy-style Supabase access token (HS256, the project's shared secret). */
export async function hs256Token(options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(baseClaims(options))
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub ?? randomUUID())
    .setAudience(options.aud ?? 'authenticated')
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresIn ?? 3600))
    .sign(new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET));
}

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function es256Key(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

/** An access token signed with the project's asymmetric key (Supabase's JWT signing keys). */
export async function es256Token(key: SigningKey, options: Omit<TokenOptions, 'secret'> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(baseClaims(options))
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setSubject(options.sub ?? randomUUID())
    .setAudience(options.aud ?? 'authenticated')
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresIn ?? 3600))
    .sign(key.privateKey);
}

export interface FakeSupabaseAuth {
  /** Use as SUPABASE_URL: /auth/v1/.well-known/jwks.json publishes the keys. */
  url: string;
  /** How many times the key set was fetched (it should be cached). */
  jwksFetches: () => number;
  close: () => Promise<void>;
}

/** The JWKS endpoint of a Supabase project, served locally (GoTrue cannot run here). */
export async function serveJwks(keys: JWK[]): Promise<FakeSupabaseAuth> {
  let fetches = 0;
  const server = http.createServer((request, response) => {
    if (request.url === '/auth/v1/.well-known/jwks.json') {
      fetches++;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys }));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    jwksFetches: () => fetches,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Makes the in-process app require sign-in, verifying with these (the rest of the env is kept). */
export function requireSignIn(config: { supabaseUrl?: string; jwtSecret?: string; anonKey?: string }): void {
  process.env.DASHBOARD_AUTH = 'on';
  setOrDelete('SUPABASE_URL', config.supabaseUrl);
  setOrDelete('SUPABASE_JWT_SECRET', config.jwtSecret);
  setOrDelete('SUPABASE_ANON_KEY', config.anonKey);
  projectIssuer = config.supabaseUrl ? `${config.supabaseUrl}/auth/v1` : undefined;
  resetEnvCache();
}

/** Back to the open mode the other test files run in (see tests/support/setup.ts). */
export function openMode(): void {
  process.env.DASHBOARD_AUTH = 'off';
  for (const name of ['SUPABASE_URL', 'SUPABASE_JWT_SECRET', 'SUPABASE_ANON_KEY', 'DASHBOARD_REQUIRE_AAL2']) delete process.env[name];
  projectIssuer = undefined;
  resetEnvCache();
}

function setOrDelete(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

export async function addMember(client: pg.ClientBase, workspaceId: string, userId: string, role: 'viewer' | 'admin' = 'viewer'): Promise<void> {
  await client.query(
    `insert into public.workspace_members (workspace_id, user_id, role) values ($1, $2, $3)
     on conflict (workspace_id, user_id) do update set role = excluded.role`,
    [workspaceId, userId, role],
  );
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
