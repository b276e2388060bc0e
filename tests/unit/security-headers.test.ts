// lib/http/security-headers.ts: the policy proxy.ts sends (the browser test checks the pages pass it).
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, newNonce, securityHeaders } from '../../lib/http/security-headers';

describe('contentSecurityPolicy', () => {
  it('in production allows only nonce\'d scripts, no eval, no framing, no plugins, no <base>', () => {
    const policy = contentSecurityPolicy('abc123', { development: false, https: true });
    expect(policy).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(policy).toContain("style-src-elem 'self' 'nonce-abc123'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("base-uri 'none'");
    expect(policy).toContain('upgrade-insecure-requests');
    expect(policy).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });

  it('under next dev allows eval and inline styles (React\'s overlay), and never upgrades an http site', () => {
    const policy = contentSecurityPolicy('abc123', { development: true, https: false });
    expect(policy).toContain("'unsafe-eval'");
    expect(policy).toContain("style-src 'self' 'unsafe-inline'");
    expect(policy).not.toContain('upgrade-insecure-requests');
  });
});

describe('securityHeaders', () => {
  it('sends HSTS outside development only', () => {
    expect(securityHeaders('p', { development: false })['Strict-Transport-Security']).toMatch(/^max-age=63072000/);
    expect(securityHeaders('p', { development: true })['Strict-Transport-Security']).toBeUndefined();
    expect(securityHeaders('p', { development: true })).toMatchObject({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin', 'X-Frame-Options': 'DENY' });
  });

  it('makes a new 128-bit nonce each time', () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, 'base64')).toHaveLength(16);
  });
});
