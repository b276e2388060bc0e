// Who may refresh the views, failing closed: an operator's x-refresh-token
// (MATERIALIZED_VIEWS_REFRESH_TOKEN) or Vercel Cron's "Authorization: Bearer <CRON_SECRET>".
// Secrets are compared in constant time and never logged. This module only gives verdicts; the
// route maps each to its HTTP answer.
import { createHash, timingSafeEqual } from 'node:crypto';

export interface RefreshSecrets {
  refreshToken?: string;
  cronSecret?: string;
}

/** Which secret let a caller in. */
export type SecretVia = 'refresh-token' | 'cron-secret';

export type RefreshCaller =
  | { outcome: 'authorized'; via: SecretVia }
  /** No credentials were presented. */
  | { outcome: 'anonymous' }
  /** Credentials were presented and are wrong (or of the wrong scheme). */
  | { outcome: 'invalid' }
  /** Credentials were presented but no secret is configured to check them against. */
  | { outcome: 'not-configured'; variable: 'MATERIALIZED_VIEWS_REFRESH_TOKEN' | 'CRON_SECRET' };

/** Constant-time equality; hashing first makes the lengths equal, so nothing leaks through timing. */
export function secretsMatch(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function authenticateRefresh(headers: Headers, secrets: RefreshSecrets): RefreshCaller {
  const token = headers.get('x-refresh-token');
  const authorization = headers.get('authorization');
  if (token === null && authorization === null) return { outcome: 'anonymous' };
  if (!secrets.refreshToken && !secrets.cronSecret) {
    return { outcome: 'not-configured', variable: token !== null ? 'MATERIALIZED_VIEWS_REFRESH_TOKEN' : 'CRON_SECRET' };
  }
  // Every credential presented must be right; a wrong one is never ignored in favour of another.
  let via: SecretVia | undefined;
  if (token !== null) {
    if (!secrets.refreshToken || !secretsMatch(token, secrets.refreshToken)) return { outcome: 'invalid' };
    via = 'refresh-token';
  }
  if (authorization !== null) {
    // The scheme is required (a bare secret is refused) but case-insensitive, as RFC 7235 says.
    const bearer = /^bearer +(\S+) *$/i.exec(authorization)?.[1];
    if (!bearer || !secrets.cronSecret || !secretsMatch(bearer, secrets.cronSecret)) return { outcome: 'invalid' };
    via ??= 'cron-secret';
  }
  return via ? { outcome: 'authorized', via } : { outcome: 'invalid' };
}

/** Vercel Cron identifies itself; without credentials it must fail loudly, not read freshness. */
export function isVercelCron(headers: Headers): boolean {
  return (headers.get('user-agent') ?? '').startsWith('vercel-cron/');
}

/** What a call of the refresh endpoint may do. */
export type RefreshVerdict =
  | { kind: 'refresh'; via: SecretVia }
  /** GET without credentials, not from Vercel Cron: it may read freshness, never refresh. */
  | { kind: 'report-freshness' }
  /** The server cannot check any credential (it never refreshes unauthenticated): say which variable to set. */
  | { kind: 'not-configured'; message: string; vercelCron: boolean }
  /** Wrong or missing credentials; `presented` names the headers (never their values). */
  | { kind: 'unauthorized'; presented: string[]; vercelCron: boolean };

export function refreshVerdict(method: 'GET' | 'POST', headers: Headers, secrets: RefreshSecrets): RefreshVerdict {
  const caller = authenticateRefresh(headers, secrets);
  if (caller.outcome === 'authorized') return { kind: 'refresh', via: caller.via };
  const vercelCron = isVercelCron(headers);
  // A wrong bearer, or Vercel Cron without one, is refused: never downgraded to a freshness read.
  if (method === 'GET' && caller.outcome === 'anonymous' && !vercelCron) return { kind: 'report-freshness' };
  let message: string | undefined;
  if (caller.outcome === 'not-configured') {
    message = `Refresh is disabled: set ${caller.variable} on the server.`;
  } else if (caller.outcome === 'anonymous' && !secrets.refreshToken && !secrets.cronSecret) {
    message = 'Refresh is disabled: set MATERIALIZED_VIEWS_REFRESH_TOKEN (and CRON_SECRET for Vercel Cron) on the server.';
  } else if (caller.outcome === 'anonymous' && vercelCron && !secrets.cronSecret) {
    // Vercel sends no bearer when the project has no CRON_SECRET: fail where the cron's logs show it.
    message = 'Vercel Cron cannot refresh: set CRON_SECRET on the server.';
  }
  if (message) return { kind: 'not-configured', message, vercelCron };
  return { kind: 'unauthorized', presented: ['x-refresh-token', 'authorization'].filter((name) => headers.has(name)), vercelCron };
}
