// Where a channel may send: an http(s) URL whose host resolves to public addresses only, unless the
// operator allows private ones (ALERTS_ALLOW_PRIVATE_URLS=1) or this is `next dev`. Checked when a
// channel is made and again before each delivery (a name can be pointed elsewhere later). A URL is a
// secret: messages name the problem, never the URL.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) PRIVATE.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

/** True for loopback, private, link-local, carrier-grade NAT, multicast and reserved addresses (IPv4-mapped IPv6 too). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return PRIVATE.check(mapped, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export class DestinationRefused extends Error {}

/** Resolves the URL's host; throws DestinationRefused when it may not be sent to. */
export async function checkDestination(url: string, options: { allowPrivate: boolean }): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DestinationRefused('the URL is not valid');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new DestinationRefused('the URL must be http(s)');
  if (parsed.username || parsed.password) throw new DestinationRefused('the URL must not carry a user name or password');
  if (options.allowPrivate) return;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
  } catch {
    throw new DestinationRefused('the host does not resolve');
  }
  if (addresses.length === 0 || addresses.some(isPrivateAddress)) {
    throw new DestinationRefused('the host resolves to a private or loopback address (set ALERTS_ALLOW_PRIVATE_URLS=1 to allow it)');
  }
}
