// lib/http/accept-encoding.ts: what a request's Accept-Encoding allows (RFC 9110 §12.5.3).
import { describe, expect, it } from 'vitest';
import { acceptedCodings, acceptsContentCoding } from '../../lib/http/accept-encoding';

describe('acceptedCodings', () => {
  it('reads each coding with its weight, 1 when none is given, lower-cased, in order', () => {
    expect(acceptedCodings('gzip, deflate;q=0.5, BR ; q=0.25, *;q=0.001')).toEqual([
      { coding: 'gzip', q: 1 }, { coding: 'deflate', q: 0.5 }, { coding: 'br', q: 0.25 }, { coding: '*', q: 0.001 },
    ]);
  });

  it('takes q=0 as a refusal, reads Q= too, and ignores other parameters and empty entries', () => {
    expect(acceptedCodings('gzip;q=0, identity;Q=0.0, ,br;foo=bar;q=0.7,')).toEqual([
      { coding: 'gzip', q: 0 }, { coding: 'identity', q: 0 }, { coding: 'br', q: 0.7 },
    ]);
  });

  it('counts a weight that does not parse as a refusal and one above 1 as 1', () => {
    expect(acceptedCodings('gzip;q=high, br;q=-1, deflate;q=2')).toEqual([
      { coding: 'gzip', q: 0 }, { coding: 'br', q: 0 }, { coding: 'deflate', q: 1 },
    ]);
  });
});

describe('acceptsContentCoding', () => {
  it.each([
    ['gzip, deflate', true],
    ['gzip, deflate, br, zstd', true],
    ['br', true],
    ['identity;q=1, gzip;q=0.1', true],
    // `*` stands for the codings not named: br, deflate … are still taken.
    ['gzip;q=0, *', true],
    ['*', true],
  ])('%j: a coding may be used', (header, expected) => {
    expect(acceptsContentCoding(header)).toBe(expected);
  });

  it.each([
    ['identity', false],
    ['identity;q=0', false],
    ['gzip;q=0', false],
    ['gzip;q=0, deflate;q=0.000, br;q=0', false],
    ['*;q=0', false],
    ['identity, *;q=0', false],
    // Empty: the client wants no coding (RFC 9110).
    ['', false],
  ])('%j: as it is', (header, expected) => {
    expect(acceptsContentCoding(header)).toBe(expected);
  });

  it('without the header: as it is (the client said nothing)', () => {
    expect(acceptsContentCoding(null)).toBe(false);
    expect(acceptsContentCoding(undefined)).toBe(false);
  });
});
