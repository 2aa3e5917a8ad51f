/** @module server/push/address.test — which resolved addresses a push may go to: public ones only, in every spelling. */
import { describe, expect, test } from 'bun:test';
import { internalAddress, vetHost, type ResolvedAddress } from './address';

describe('internalAddress', () => {
  test.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['198.18.0.1', 'benchmarking'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fc00::1', 'unique local'],
    ['fd12:3456:789a::1', 'unique local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'IPv4-mapped (RFC 4291 §2.5.5.2) form of loopback'],
    ['::ffff:a00:5', 'IPv4-mapped (RFC 4291 §2.5.5.2) form of private'],
    ['::FFFF:169.254.169.254', 'IPv4-mapped (RFC 4291 §2.5.5.2) form of link-local'],
    ['64:ff9b::10.0.0.5', 'NAT64 (RFC 6052) form of private'],
    ['::10.0.0.5', 'not global unicast'],
    ['2001:db8::1', 'documentation'],
    ['2002:a00:5::1', '6to4'],
    ['not-an-ip', 'not an IP address'],
  ])('%s is %s', (address, what) => {
    expect(internalAddress(address)).toStartWith(what);
  });

  test.each(['8.8.8.8', '142.250.64.74', '100.128.0.1', '172.32.0.1', '192.169.0.1', '169.255.0.1', '2607:f8b0:4004:c1b::5f', '2a00:1450:4001:82b::200a', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    '%s is public',
    (address) => {
      expect(internalAddress(address)).toBeUndefined();
    },
  );
});

describe('vetHost', () => {
  const resolving = (addresses: ResolvedAddress[]) => async () => addresses;

  test('passes a host whose every address is public, with those addresses', async () => {
    const addresses: ResolvedAddress[] = [
      { address: '142.250.64.74', family: 4 },
      { address: '2607:f8b0:4004:c1b::5f', family: 6 },
    ];
    expect(await vetHost('fcm.googleapis.com', resolving(addresses))).toEqual({ ok: true, addresses });
  });

  test('refuses a host with any internal address, naming it', async () => {
    const vetting = await vetHost(
      'push.example.com',
      resolving([
        { address: '142.250.64.74', family: 4 },
        { address: '10.0.0.5', family: 4 },
      ]),
    );
    expect(vetting).toEqual({ ok: false, address: '10.0.0.5', reason: 'private (RFC 1918)' });
  });

  test('a name that does not resolve, or to nothing, rejects', async () => {
    const missing = Object.assign(new Error('getaddrinfo ENOTFOUND push.example.com'), { code: 'ENOTFOUND' });
    await expect(
      vetHost('push.example.com', async () => {
        throw missing;
      }),
    ).rejects.toBe(missing);
    await expect(vetHost('push.example.com', resolving([]))).rejects.toThrow('resolved to no address');
  });
});
