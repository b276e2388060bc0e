// Who may refresh the views. One helper, failing closed: an operator's x-refresh-token
// (MATERIALIZED_VIEWS_REFRESH_TOKEN) or Vercel Cron's "Authorization: Bearer <CRON_SECRET>".
// Secrets are compared in constant time and never logged.
import { createHash, timingSafeEqual } from 'node:crypto';

export interface RefreshSecrets {
  refreshToken?: string;
  cronSecret?: string;
}

export type RefreshCaller =
  | { outcome: 'authorized'; via: 'refresh-token' | 'cron-secret' | 'workspace-admin' }
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
  let via: 'refresh-token' | 'cron-secret' | undefined;
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
