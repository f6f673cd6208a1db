/**
 * The SFTP adapter against OpenSSH's sshd (internal-sftp) on a loopback port, with a generated
 * host key (pinned by fingerprint) and a generated user key.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSftpServer, type SftpFixture } from '../../servers/sftp-server';
import { adapterFor, callOp, prodRegistry } from './adapter-harness';

let sshd: SftpFixture;
beforeAll(async () => {
  sshd = await startSftpServer();
  mkdirSync(join(sshd.dataDir, 'inbox'));
  mkdirSync(join(sshd.dataDir, 'archive'));
  writeFileSync(join(sshd.dataDir, 'inbox', 'orders-1.csv'), 'id,amount\n1,10\n2,20\n');
  writeFileSync(join(sshd.dataDir, 'inbox', 'orders-2.csv'), 'id,amount\n3,30\n');
  writeFileSync(join(sshd.dataDir, 'inbox', 'readme.txt'), 'not a csv');
});
afterAll(() => sshd?.close());

const settings = () => ({ host: sshd.host, port: sshd.port, username: sshd.username, hostKeySha256: sshd.hostKeySha256 });
const sftp = () => adapterFor({ systemType: 'sftp', settings: settings(), secrets: { privateKey: sshd.privateKey } });

describe('SFTP adapter (OpenSSH)', () => {
  it('lists a directory, with a glob', async () => {
    const all = await callOp(sftp(), 'list', { path: join(sshd.dataDir, 'inbox') });
    expect(all.items.map((i: { name: string }) => i.name)).toEqual(['orders-1.csv', 'orders-2.csv', 'readme.txt']);
    const csv = await callOp(sftp(), 'list', { path: join(sshd.dataDir, 'inbox'), pattern: '*.csv' });
    expect(csv.items).toEqual([
      expect.objectContaining({ name: 'orders-1.csv', type: 'file', size: 20 }),
      expect.objectContaining({ name: 'orders-2.csv', type: 'file', size: 15 }),
    ]);
  });

  it('gets a file as text and as base64', async () => {
    const f = await callOp(sftp(), 'get', { path: join(sshd.dataDir, 'inbox', 'orders-2.csv') });
    expect(f).toEqual({ path: join(sshd.dataDir, 'inbox', 'orders-2.csv'), size: 15, content: 'id,amount\n3,30\n' });
    const b = await callOp(sftp(), 'get', { path: join(sshd.dataDir, 'inbox', 'orders-2.csv'), encoding: 'base64' });
    expect(Buffer.from(b.content, 'base64').toString()).toBe('id,amount\n3,30\n');
  });

  it('puts a file (replacing an existing one, no temp file left behind)', async () => {
    const path = join(sshd.dataDir, 'out.txt');
    await callOp(sftp(), 'put', { path, content: 'first' });
    const r = await callOp(sftp(), 'put', { path, content: Buffer.from('second ✓').toString('base64'), encoding: 'base64' });
    expect(r).toEqual({ path, size: Buffer.byteLength('second ✓') });
    expect(readFileSync(path, 'utf8')).toBe('second ✓');
    const listing = await callOp(sftp(), 'list', { path: sshd.dataDir });
    expect(listing.items.map((i: { name: string }) => i.name).filter((n: string) => n.endsWith('.part'))).toEqual([]);
  });

  it('moves a file; a retry after the move succeeds without moving again', async () => {
    const from = join(sshd.dataDir, 'inbox', 'orders-1.csv');
    const to = join(sshd.dataDir, 'archive', 'orders-1.csv');
    expect(await callOp(sftp(), 'move', { from, to })).toEqual({ from, to, moved: true });
    expect(existsSync(from)).toBe(false);
    expect(readFileSync(to, 'utf8')).toBe('id,amount\n1,10\n2,20\n');
    expect(await callOp(sftp(), 'move', { from, to })).toEqual({ from, to, moved: false });
  });

  it('refuses to overwrite unless asked', async () => {
    const a = join(sshd.dataDir, 'a.txt');
    const b = join(sshd.dataDir, 'b.txt');
    writeFileSync(a, 'A');
    writeFileSync(b, 'B');
    await expect(callOp(sftp(), 'move', { from: a, to: b })).rejects.toMatchObject({ code: 'sftp_target_exists' });
    await callOp(sftp(), 'move', { from: a, to: b, overwrite: true });
    expect(readFileSync(b, 'utf8')).toBe('A');
  });

  it('reports a missing file with the server’s error', async () => {
    await expect(callOp(sftp(), 'get', { path: join(sshd.dataDir, 'nope.txt') })).rejects.toThrow(/No such file/);
  });

  it('tests the connection', async () => {
    await expect(sftp().testConnection!(new AbortController().signal)).resolves.toMatchObject({ ok: true });
  });

  it('refuses a server whose host key does not match the pin', async () => {
    const wrong = adapterFor({
      systemType: 'sftp',
      settings: { ...settings(), hostKeySha256: 'SHA256:' + 'A'.repeat(43) },
      secrets: { privateKey: sshd.privateKey },
    });
    await expect(wrong.testConnection!(new AbortController().signal)).rejects.toMatchObject({ code: 'sftp_host_key_mismatch' });
  });

  it('reports a rejected login', async () => {
    // A well-formed key the server does not know.
    const keyPath = join(sshd.dataDir, 'stranger_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyPath]);
    const a = adapterFor({ systemType: 'sftp', settings: settings(), secrets: { privateKey: readFileSync(keyPath, 'utf8') } });
    await expect(a.testConnection!(new AbortController().signal)).rejects.toThrow(/All configured authentication methods failed/);
  });

  it('is refused by the production policy', async () => {
    const a = adapterFor({ systemType: 'sftp', settings: settings(), secrets: { privateKey: sshd.privateKey } }, prodRegistry);
    await expect(a.testConnection!(new AbortController().signal)).rejects.toMatchObject({ code: 'outbound_address_blocked' });
  });
});
