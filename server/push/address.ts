/**
 * @module server/push/address — where an endpoint's host really is. checkEndpoint (./subscription) judges how a host
 * is written; a name can still resolve to an address inside the network, so before each POST the name is resolved
 * (every address), and the POST goes only to a host whose addresses are all public — and only to those addresses
 * (./deliver pins them: no second lookup a rebinding name could answer differently).
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** One address of a name: `address` in text form (dotted quad, or RFC 5952 IPv6), `family` 4 or 6. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Every address `hostname` resolves to (A and AAAA, as the system resolver gives them: /etc/hosts too, like any
 * connection the server opens). Rejects when the name does not resolve (ENOTFOUND and the like).
 */
export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

/** The system's resolver: node:dns/promises lookup with `all`, in the resolver's own order. */
export const systemResolve: Resolve = async (hostname) => {
  const found = await lookup(hostname, { all: true, verbatim: true });
  return found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/** An IPv4 range: the first address as 4 bytes, the prefix length, and what it is (for the log). */
type Range4 = [network: [number, number, number, number], bits: number, what: string];

/**
 * IPv4 ranges that are not the public internet: the IANA special-purpose registry (RFC 6890) entries that are not
 * globally reachable, and multicast and the reserved block.
 */
const INTERNAL_V4: Range4[] = [
  [[0, 0, 0, 0], 8, 'unspecified ("this network", RFC 1122)'],
  [[10, 0, 0, 0], 8, 'private (RFC 1918)'],
  [[100, 64, 0, 0], 10, 'carrier-grade NAT (RFC 6598)'],
  [[127, 0, 0, 0], 8, 'loopback (RFC 1122)'],
  [[169, 254, 0, 0], 16, 'link-local (RFC 3927; cloud metadata services live here)'],
  [[172, 16, 0, 0], 12, 'private (RFC 1918)'],
  [[192, 0, 0, 0], 24, 'IETF protocol assignments (RFC 6890)'],
  [[192, 0, 2, 0], 24, 'documentation (RFC 5737)'],
  [[192, 168, 0, 0], 16, 'private (RFC 1918)'],
  [[198, 18, 0, 0], 15, 'benchmarking (RFC 2544)'],
  [[198, 51, 100, 0], 24, 'documentation (RFC 5737)'],
  [[203, 0, 113, 0], 24, 'documentation (RFC 5737)'],
  [[224, 0, 0, 0], 4, 'multicast (RFC 5771)'],
  [[240, 0, 0, 0], 4, 'reserved (RFC 1112) or broadcast'],
];

function parseV4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

function inRange(bytes: ArrayLike<number>, network: ArrayLike<number>, bits: number): boolean {
  for (let i = 0; i < bits; i += 8) {
    const take = Math.min(8, bits - i);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((bytes[i / 8]! & mask) !== (network[i / 8]! & mask)) return false;
  }
  return true;
}

function internalV4(bytes: number[]): string | undefined {
  return INTERNAL_V4.find(([network, bits]) => inRange(bytes, network, bits))?.[2];
}

/** 16 bytes of an IPv6 address in any RFC 4291 §2.2 form (`::`, a trailing dotted quad, a `%zone`), or undefined. */
function parseV6(text: string): number[] | undefined {
  let rest = text.replace(/%.*$/, '').toLowerCase();
  // A trailing dotted quad ("::ffff:10.0.0.5") is the last two groups written in IPv4's way.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(rest);
  if (quad) {
    const v4 = parseV4(quad[1]!);
    if (!v4) return undefined;
    rest = `${rest.slice(0, quad.index)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = rest.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]!);
  const back = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - back.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...back];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return all.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]);
}

const V6 = (text: string) => parseV6(text)!;

/** IPv6 prefixes that carry an IPv4 address in their last 32 bits: that address is what the connection reaches. */
const EMBEDDING_V6: [network: number[], bits: number, what: string][] = [
  [V6('::ffff:0:0'), 96, 'IPv4-mapped (RFC 4291 §2.5.5.2)'],
  [V6('64:ff9b::'), 96, 'NAT64 (RFC 6052)'],
];

/** IPv6 ranges inside global unicast (2000::/3, RFC 4291 §2.4) that are still not the public internet, or hide an IPv4 address. */
const INTERNAL_V6: [network: number[], bits: number, what: string][] = [
  [V6('2001::'), 32, 'Teredo (RFC 4380)'],
  [V6('2001:db8::'), 32, 'documentation (RFC 3849)'],
  [V6('2002::'), 16, '6to4 (RFC 3056)'],
];

function internalV6(bytes: number[]): string | undefined {
  if (bytes.every((b) => b === 0)) return 'unspecified (RFC 4291)';
  if (bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1) return 'loopback (RFC 4291)';
  for (const [network, bits, what] of EMBEDDING_V6) {
    if (!inRange(bytes, network, bits)) continue;
    const inner = internalV4(bytes.slice(12));
    return inner ? `${what} form of ${inner}` : undefined;
  }
  if ((bytes[0]! & 0xfe) === 0xfc) return 'unique local (RFC 4193)';
  if (bytes[0] === 0xfe && (bytes[1]! & 0xc0) === 0x80) return 'link-local (RFC 4291)';
  if (bytes[0] === 0xfe && (bytes[1]! & 0xc0) === 0xc0) return 'site-local (RFC 3879)';
  if (bytes[0] === 0xff) return 'multicast (RFC 4291)';
  if ((bytes[0]! & 0xe0) !== 0x20) return 'not global unicast (outside 2000::/3, RFC 4291 §2.4)';
  return INTERNAL_V6.find(([network, bits]) => inRange(bytes, network, bits))?.[2];
}

/**
 * Why `address` (an IPv4 or IPv6 literal, as a resolver gives it) is no place to POST to — loopback, private
 * (RFC 1918), link-local (169.254/16, fe80::/10), carrier-grade NAT (100.64/10), unique local (fc00::/7),
 * unspecified, multicast, documentation and other special-purpose ranges (RFC 6890), and the IPv4-mapped or NAT64
 * forms of any of those — or undefined for a public address. Anything that does not parse is internal too.
 */
export function internalAddress(address: string): string | undefined {
  if (isIP(address) === 4) {
    const bytes = parseV4(address);
    return bytes ? internalV4(bytes) : 'not an IPv4 address in dotted-quad form';
  }
  if (isIP(address) === 6) {
    const bytes = parseV6(address);
    return bytes ? internalV6(bytes) : 'not an IPv6 address';
  }
  return 'not an IP address';
}

/** `ok`: every address of the host is public, and these are the ones to connect to. Otherwise the first that is not, and why. */
export type Vetting = { ok: true; addresses: ResolvedAddress[] } | { ok: false; address: string; reason: string };

/**
 * Resolves `hostname` with `resolve` and judges every address (internalAddress): a host with one internal address
 * among public ones is refused all the same (a connection may pick any of them).
 * @throws what `resolve` throws (a name that does not resolve), or when it answers no address at all.
 */
export async function vetHost(hostname: string, resolve: Resolve): Promise<Vetting> {
  const addresses = await resolve(hostname);
  if (addresses.length === 0) throw new Error(`${hostname} resolved to no address`);
  for (const { address } of addresses) {
    const reason = internalAddress(address);
    if (reason) return { ok: false, address, reason };
  }
  return { ok: true, addresses };
}
