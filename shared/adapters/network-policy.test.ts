import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest } from './platform/http-client';
import { hostsOf, HostResolutionError, OutboundBlockedError, OutboundPolicy } from './network-policy';

const production = new OutboundPolicy({ allowPrivate: false });
const development = new OutboundPolicy({ allowPrivate: true });

describe('production outbound policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.9.9.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private range'],
    ['172.16.0.1', 'private range'],
    ['172.31.255.255', 'private range'],
    ['192.168.1.10', 'private range'],
    ['169.254.169.254', 'link-local (cloud metadata lives here)'],
    ['fe80::1', 'link-local'],
    ['fd00::5', 'unique local (private) range'],
    ['100.64.0.1', 'carrier-grade NAT range'],
    ['0.0.0.0', 'unspecified ("this network")'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private range'],
    ['224.0.0.1', 'multicast'],
  ])('denies %s (%s)', (address, reason) => {
    expect(production.denialReason(address)).toBe(reason);
    expect(() => production.assertAllowed('h', address)).toThrow(OutboundBlockedError);
  });

  it.each(['8.8.8.8', '20.50.1.2', '172.32.0.1', '2606:4700::1111'])('allows public %s', (address) => {
    expect(production.denialReason(address)).toBeNull();
  });

  it('allows an operator-approved private CIDR and nothing next to it', () => {
    const p = new OutboundPolicy({ allowPrivate: false, allowedCidrs: ['10.20.0.0/16'] });
    expect(p.denialReason('10.20.3.4')).toBeNull();
    expect(p.denialReason('10.21.0.1')).toBe('private range');
  });

  it('checks DNS at connect time: a name that was public on save and resolves to 127.0.0.1 later is denied', async () => {
    let answer = '20.50.1.2';
    const p = new OutboundPolicy({ allowPrivate: false }, async () => [{ address: answer, family: 4 }]);
    await expect(p.resolve('erp.example.com')).resolves.toBe('20.50.1.2');
    answer = '127.0.0.1';
    const err = await p.resolve('erp.example.com').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutboundBlockedError);
    expect(err).toMatchObject({ code: 'outbound_address_blocked', host: 'erp.example.com', address: '127.0.0.1', retryable: false });
  });

  it('denies a name when any of its addresses is private', async () => {
    const p = new OutboundPolicy({ allowPrivate: false }, async () => [
      { address: '20.50.1.2', family: 4 },
      { address: '192.168.0.4', family: 4 },
    ]);
    await expect(p.resolve('mixed.example.com')).rejects.toMatchObject({ address: '192.168.0.4' });
  });

  it('denies localhost through the real resolver', async () => {
    await expect(production.resolve('localhost')).rejects.toBeInstanceOf(OutboundBlockedError);
  });

  it('reports an unresolvable host as retryable', async () => {
    const p = new OutboundPolicy({ allowPrivate: false }, async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    });
    const err = await p.resolve('nowhere.invalid').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostResolutionError);
    expect((err as HostResolutionError).retryable).toBe(true);
  });
});

describe('policy on a real socket (HTTP client lookup)', () => {
  let server: Server;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('production refuses to connect to a listening loopback server, by IP and by a name resolving to 127.0.0.1', async () => {
    const before = hits;
    const signal = new AbortController().signal;
    await expect(httpRequest(production, { method: 'GET', url: `http://127.0.0.1:${port}/`, signal })).rejects.toMatchObject({
      code: 'outbound_address_blocked',
    });
    await expect(httpRequest(production, { method: 'GET', url: `http://localhost:${port}/`, signal })).rejects.toMatchObject({
      code: 'outbound_address_blocked',
    });
    const rebinding = new OutboundPolicy({ allowPrivate: false }, async () => [{ address: '127.0.0.1', family: 4 }]);
    await expect(httpRequest(rebinding, { method: 'GET', url: `http://erp.example.com:${port}/`, signal })).rejects.toMatchObject({
      code: 'outbound_address_blocked',
    });
    expect(hits).toBe(before);
  });

  it('development mode connects to the same server', async () => {
    const res = await httpRequest(development, { method: 'GET', url: `http://localhost:${port}/`, signal: new AbortController().signal });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('{"ok":true}');
  });
});

describe('hostsOf', () => {
  it('finds host and *Url settings', () => {
    expect(
      hostsOf({ host: 'db.example.com', baseUrl: 'https://api.example.com/x', tokenUrl: 'https://login.example.com/t', port: 5432 }),
    ).toEqual([
      { path: 'settings.host', host: 'db.example.com' },
      { path: 'settings.baseUrl', host: 'api.example.com' },
      { path: 'settings.tokenUrl', host: 'login.example.com' },
    ]);
  });
});
