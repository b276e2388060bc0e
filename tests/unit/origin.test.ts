// lib/http/origin.ts: which requests count as cross-site (refused on cookie-authenticated POSTs).
import { afterEach, describe, expect, it } from 'vitest';
import { crossSiteReason } from '../../lib/http/origin';

const site = { SITE_URL: 'https://dashboard.test', NEXT_PUBLIC_SITE_URL: undefined };
const judge = (headers: Record<string, string>, env = site) => crossSiteReason(new Request('https://dashboard.test/auth/sign-out', { method: 'POST', headers }), env);
const nodeEnv = process.env.NODE_ENV;

afterEach(() => {
  (process.env as Record<string, string | undefined>).NODE_ENV = nodeEnv;
});

describe('crossSiteReason', () => {
  it('lets the site\'s own pages through, and clients that are not browsers (no Origin, no Sec-Fetch-Site)', () => {
    expect(judge({ origin: 'https://dashboard.test', 'sec-fetch-site': 'same-origin' })).toBeNull();
    expect(judge({ origin: 'https://dashboard.test' })).toBeNull();
    expect(judge({ 'sec-fetch-site': 'none' })).toBeNull();
    expect(judge({})).toBeNull();
  });

  it('refuses other sites, sibling subdomains, another scheme or port, and opaque origins', () => {
    for (const origin of ['https://evil.example', 'https://x.dashboard.test', 'http://dashboard.test', 'https://dashboard.test:8443', 'null']) {
      expect(judge({ origin }), origin).not.toBeNull();
    }
    expect(judge({ 'sec-fetch-site': 'same-site' })).toMatch(/same-site/);
    expect(judge({ origin: 'https://dashboard.test', 'sec-fetch-site': 'cross-site' })).toMatch(/cross-site/);
  });

  it('does not judge callers with credentials a browser never sends by itself', () => {
    expect(judge({ authorization: 'Bearer x', origin: 'https://evil.example' })).toBeNull();
    expect(judge({ 'x-refresh-token': 'x', 'sec-fetch-site': 'cross-site' })).toBeNull();
  });

  it('under next dev, takes localhost and 127.0.0.1 of the same port as one site; never in production', () => {
    const dev = { SITE_URL: 'http://localhost:3000', NEXT_PUBLIC_SITE_URL: undefined };
    (process.env as Record<string, string | undefined>).NODE_ENV = 'development';
    expect(judge({ origin: 'http://127.0.0.1:3000' }, dev)).toBeNull();
    expect(judge({ origin: 'http://127.0.0.1:3001' }, dev)).not.toBeNull();
    expect(judge({ origin: 'http://192.0.2.2:3000' }, dev)).not.toBeNull();
    (process.env as Record<string, string | undefined>).NODE_ENV = 'production';
    expect(judge({ origin: 'http://127.0.0.1:3000' }, dev)).not.toBeNull();
  });
});
