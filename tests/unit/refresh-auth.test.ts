// lib/admin/auth.ts: who may refresh. Fails closed, compares in constant time, never mixes secrets.
import { describe, expect, it } from 'vitest';
import { authenticateRefresh, isVercelCron, secretsMatch, type RefreshSecrets } from '../../lib/admin/auth';

const token = 't'.repeat(64);
const cron = 'c'.repeat(48);
const both: RefreshSecrets = { refreshToken: token, cronSecret: cron };
const auth = (headers: Record<string, string>, secrets: RefreshSecrets = both) => authenticateRefresh(new Headers(headers), secrets);

describe('authenticateRefresh', () => {
  it('accepts the refresh token and the cron bearer', () => {
    expect(auth({ 'x-refresh-token': token })).toEqual({ outcome: 'authorized', via: 'refresh-token' });
    expect(auth({ authorization: `Bearer ${cron}` })).toEqual({ outcome: 'authorized', via: 'cron-secret' });
  });

  it('reads the Bearer scheme case-insensitively, as RFC 7235 says', () => {
    expect(auth({ authorization: `bearer ${cron}` })).toEqual({ outcome: 'authorized', via: 'cron-secret' });
    expect(auth({ authorization: `BEARER  ${cron}` })).toEqual({ outcome: 'authorized', via: 'cron-secret' });
  });

  it('accepts both credentials together only when both are right', () => {
    expect(auth({ 'x-refresh-token': token, authorization: `Bearer ${cron}` })).toEqual({ outcome: 'authorized', via: 'refresh-token' });
    expect(auth({ 'x-refresh-token': 'wrong', authorization: `Bearer ${cron}` })).toEqual({ outcome: 'invalid' });
  });

  it('works with only one of the two secrets configured', () => {
    expect(auth({ 'x-refresh-token': token }, { refreshToken: token })).toEqual({ outcome: 'authorized', via: 'refresh-token' });
    expect(auth({ authorization: `Bearer ${cron}` }, { cronSecret: cron })).toEqual({ outcome: 'authorized', via: 'cron-secret' });
    expect(auth({ authorization: `Bearer ${cron}` }, { refreshToken: token })).toEqual({ outcome: 'invalid' });
  });

  it('is anonymous without credentials', () => {
    expect(auth({})).toEqual({ outcome: 'anonymous' });
  });

  it('refuses wrong secrets, the wrong scheme, and one secret used as the other', () => {
    const wrong: Array<Record<string, string>> = [
      { 'x-refresh-token': `${token}x` },
      { 'x-refresh-token': '' },
      { authorization: `Bearer ${cron.slice(1)}` },
      { authorization: cron },
      { authorization: `Basic ${cron}` },
      { authorization: `Bearer ${token}` },
      { 'x-refresh-token': cron },
      { 'x-refresh-token': token, authorization: 'Bearer wrong' },
      { authorization: 'Bearer' },
      { authorization: 'Bearer ' },
      { authorization: `Bearer ${cron} extra` },
      { authorization: `Bearer${cron}` },
    ];
    for (const headers of wrong) {
      expect(auth(headers), JSON.stringify(headers)).toEqual({ outcome: 'invalid' });
    }
  });

  it('fails closed when a secret is not configured: "Bearer undefined" never passes', () => {
    expect(auth({ authorization: 'Bearer undefined' }, { refreshToken: token })).toEqual({ outcome: 'invalid' });
    expect(auth({ authorization: 'Bearer undefined' }, {})).toEqual({ outcome: 'not-configured', variable: 'CRON_SECRET' });
    expect(auth({ 'x-refresh-token': 'undefined' }, {})).toEqual({ outcome: 'not-configured', variable: 'MATERIALIZED_VIEWS_REFRESH_TOKEN' });
    expect(auth({ 'x-refresh-token': token }, { cronSecret: cron })).toEqual({ outcome: 'invalid' });
  });
});

describe('secretsMatch', () => {
  it('compares whole strings of any length without throwing', () => {
    expect(secretsMatch('abc', 'abc')).toBe(true);
    expect(secretsMatch('abc', 'abcd')).toBe(false);
    expect(secretsMatch('', 'abc')).toBe(false);
    expect(secretsMatch('abc', 'abC')).toBe(false);
  });

  it('refuses a prefix of the right secret, or the secret with a character added', () => {
    expect(secretsMatch(token.slice(0, 32), token)).toBe(false);
    expect(secretsMatch(`${token}\n`, token)).toBe(false);
  });
});

describe('isVercelCron', () => {
  it('recognises the Vercel Cron user agent', () => {
    expect(isVercelCron(new Headers({ 'user-agent': 'vercel-cron/1.0' }))).toBe(true);
    expect(isVercelCron(new Headers({ 'user-agent': 'curl/8.0' }))).toBe(false);
  });
});
