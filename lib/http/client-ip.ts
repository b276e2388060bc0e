// The client's IP address, for throttling sign-in per client. A route handler cannot see the socket,
// so the address comes from a header the platform in front of the server sets: Vercel overwrites
// X-Forwarded-For with the client's address (a client cannot forge it there); behind another proxy,
// CLIENT_IP_HEADER names the header it sets (x-real-ip, cf-connecting-ip, fly-client-ip, …).
import { isIP } from 'node:net';

/**
 * The client address from `header`: its last entry (what the nearest proxy saw; a client can only
 * prepend to a list), normalised; null when absent or not an IP address. IPv6 clients are counted
 * per /64, the block one subscriber gets, so cycling through its addresses gains nothing.
 */
export function clientIp(headers: Headers, header: string): string | null {
  const raw = headers.get(header)?.split(',').at(-1)?.trim();
  if (!raw) return null;
  const address = raw.replace(/^\[(.*)\](:\d+)?$/, '$1');
  if (isIP(address) === 4) return address;
  if (isIP(address) !== 6) return null;
  const groups = expandIpv6(address);
  // An IPv4 client seen through an IPv6 socket (::ffff:203.0.113.7) is that IPv4 client.
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6] ?? 0, groups[7] ?? 0].flatMap((group) => [group >> 8, group & 0xff]).join('.');
  }
  return `${groups.slice(0, 4).map((group) => group.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (with "::" and a dotted IPv4 tail expanded). */
function expandIpv6(address: string): number[] {
  let text = address.split('%')[0] ?? '';
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const zeros = rest === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16));
}
