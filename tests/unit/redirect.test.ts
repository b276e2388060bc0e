// lib/auth/redirect.ts: `next` after signing in is a path of this site, whatever a link carries.
import { describe, expect, it } from 'vitest';
import { safeNext } from '../../lib/auth/redirect';

const SITE = 'https://dashboard.test';

describe('safeNext', () => {
  it.each([
    '/\t/evil.com', '/\n/evil.com', '/\r/evil.com', '/\u0000/evil.com', '/\u007f/evil.com',
    '/\\evil.com', '/\\\\evil.com', '\\\\evil.com', '//evil.com', '///evil.com',
    '/%09/evil.com', '/%0a/evil.com', '/%5Cevil.com', '/%2F/evil.com', '/%2f%2fevil.com',
    'https://evil.com', 'https:evil.com', 'http://dashboard.test/', 'javascript:alert(1)', ' //evil.com', '', 'evil.com',
    '/auth/confirm?token_hash=x&type=email', '/auth/sign-out', '/AUTH/dev-sign-in', '/%61uth/confirm', '/x/../auth/confirm',
    '/%E0%A4%A', // not decodable
    `/${'a'.repeat(3000)}`,
  ])('refuses %j: "/"', (next) => {
    expect(safeNext(next, SITE)).toBe('/');
  });

  it('refuses what is not a string (a repeated query parameter is an array)', () => {
    expect(safeNext(['/a', '/b'], SITE)).toBe('/');
    expect(safeNext(undefined, SITE)).toBe('/');
    expect(safeNext(null, SITE)).toBe('/');
  });

  it.each([
    ['/', '/'],
    ['/?workspace_id=acme&range=7d', '/?workspace_id=acme&range=7d'],
    ['/?campaign=Spring%20sale', '/?campaign=Spring%20sale'],
    ['/login?message=signed-out', '/login?message=signed-out'],
    ['/a/../?x=1', '/?x=1'],
    ['/#top', '/#top'],
    ['/authors', '/authors'],
  ])('keeps the site path %j as %j', (next, expected) => {
    expect(safeNext(next, SITE)).toBe(expected);
  });
});
