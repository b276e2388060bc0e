// A stand-in for a Supabase project's Auth (GoTrue) HTTP API, for the tests over HTTP: GoTrue cannot
// run here. It publishes the signing keys (JWKS) and answers the few endpoints the server calls:
// password sign-in, magic-link requests, sign-out. Sessions carry ES256 access tokens signed with a
// key made for the test run, exactly as the real service issues them.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

export interface FakeUser {
  id: string;
  email: string;
  password: string;
}

export interface FakeAuthServer {
  url: string;
  /** The private signing key as a JWK (to mint tokens in test workers), with its kid. */
  privateJwk: JWK;
  /** Requests received, e.g. 'POST /auth/v1/otp'. */
  requests: () => string[];
  /** Bodies of the magic-link requests (POST /auth/v1/otp). */
  otpRequests: () => Array<{ path: string; body: Record<string, unknown>; query: string }>;
  close: () => Promise<void>;
}

export function fakeTokenHash(user: FakeUser): string {
  return `hash-${user.id}`;
}

export interface MintOptions {
  /** Seconds from now. */
  expiresIn?: number;
  /** The project's issuer, `${SUPABASE_URL}/auth/v1`, as GoTrue sets it. */
  issuer?: string;
  /** aal1 after a password or a link; aal2 after an MFA challenge. */
  aal?: 'aal1' | 'aal2';
}

export async function mintEs256(privateJwk: JWK, user: { id: string; email: string }, options: MintOptions = {}): Promise<{ token: string; expiresAt: number }> {
  const { expiresIn = 3600, issuer, aal = 'aal1' } = options;
  const key = await importJWK(privateJwk, 'ES256');
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ role: 'authenticated', email: user.email, aal, session_id: randomBytes(8).toString('hex') });
  if (issuer) jwt.setIssuer(issuer);
  const token = await jwt
    .setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid ?? '', typ: 'JWT' })
    .setSubject(user.id)
    .setAudience('authenticated')
    .setIssuedAt(now)
    .setExpirationTime(now + expiresIn)
    .sign(key);
  return { token, expiresAt: now + expiresIn };
}

export async function startFakeSupabaseAuth(users: FakeUser[]): Promise<FakeAuthServer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomBytes(8).toString('hex');
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256' };
  const seen: string[] = [];
  let issuer = '';
  const bodies: Array<{ path: string; body: Record<string, unknown>; query: string }> = [];

  const server = http.createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      seen.push(`${request.method} ${url.pathname}`);
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      const body = (() => { try { return JSON.parse(raw || '{}') as Record<string, unknown>; } catch { return {}; } })();
      if (request.method === 'GET' && url.pathname === '/auth/v1/.well-known/jwks.json') return send(200, { keys: [publicJwk] });
      const session = (user: FakeUser) => void mintEs256(privateJwk, user, { issuer }).then(({ token, expiresAt }) => send(200, {
        access_token: token, token_type: 'bearer', expires_in: 3600, expires_at: expiresAt,
        refresh_token: randomBytes(12).toString('hex'),
        user: { id: user.id, aud: 'authenticated', role: 'authenticated', email: user.email, app_metadata: {}, user_metadata: {}, created_at: new Date(0).toISOString() },
      }));
      if (request.method === 'POST' && url.pathname === '/auth/v1/token' && url.searchParams.get('grant_type') === 'password') {
        const user = users.find((u) => u.email === body.email && u.password === body.password);
        if (!user) return send(400, { code: 400, error_code: 'invalid_credentials', msg: 'Invalid login credentials' });
        return session(user);
      }
      // The link in a sign-in email: its token_hash is fakeTokenHash(user) here.
      if (request.method === 'POST' && url.pathname === '/auth/v1/verify') {
        const user = users.find((u) => fakeTokenHash(u) === body.token_hash);
        if (!user) return send(403, { code: 403, error_code: 'otp_expired', msg: 'Email link is invalid or has expired' });
        return session(user);
      }
      if (request.method === 'POST' && url.pathname === '/auth/v1/otp') {
        bodies.push({ path: url.pathname, body, query: url.search });
        return send(200, {});
      }
      if (request.method === 'POST' && url.pathname === '/auth/v1/logout') {
        response.writeHead(204).end();
        return;
      }
      send(404, { code: 404, msg: 'not faked' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  issuer = `http://127.0.0.1:${port}/auth/v1`;
  return {
    url: `http://127.0.0.1:${port}`,
    privateJwk,
    requests: () => [...seen],
    otpRequests: () => [...bodies],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
