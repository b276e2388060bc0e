// lib/http/client-ip.ts: the address sign-in throttling counts, from the header the platform sets.
import { describe, expect, it } from 'vitest';
import { clientIp } from '../../lib/http/client-ip';

const ip = (value: string | null, header = 'x-forwarded-for') => clientIp(new Headers(value === null ? {} : { [header]: value }), header);

describe('clientIp', () => {
  it('reads the last entry of X-Forwarded-For: what the nearest proxy saw (a client can only prepend)', () => {
    expect(ip('203.0.113.7')).toBe('203.0.113.7');
    expect(ip('10.0.0.1, 203.0.113.7')).toBe('203.0.113.7');
    expect(ip(' 1.1.1.1 ,  203.0.113.7 ')).toBe('203.0.113.7');
  });

  it('counts IPv6 clients per /64, and IPv4 seen through IPv6 as IPv4', () => {
    expect(ip('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(ip('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(ip('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(ip('[2001:db8:1:2::9]:443')).toBe('2001:db8:1:2::/64');
    expect(ip('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(ip('::ffff:cb00:7107')).toBe('203.0.113.7');
    expect(ip('::1')).toBe('0:0:0:0::/64');
  });

  it('answers null for a missing or malformed header (counted together as unknown)', () => {
    expect(ip(null)).toBeNull();
    expect(ip('')).toBeNull();
    expect(ip('not-an-ip')).toBeNull();
    expect(ip('203.0.113.7, garbage')).toBeNull();
  });

  it('reads the header CLIENT_IP_HEADER names (another proxy\'s)', () => {
    expect(ip('198.51.100.4', 'cf-connecting-ip')).toBe('198.51.100.4');
  });
});
