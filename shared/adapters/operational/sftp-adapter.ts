/**
 * SFTP (`ssh2-sftp-client`): list, get, put and move files. The server's host key is pinned by
 * its SHA-256 fingerprint (`ssh-keygen -lf` prints it) unless the connector explicitly accepts any
 * key. One SSH session per operation call, closed after it.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import { z } from 'zod';
import type { AdapterEnvironment, AdapterRegistration, ConnectorDescriptor } from '../adapter';
import { bindOperations, call, declareOperations } from '../bind-operations';
import { upstream, UpstreamError } from '../upstream-error';

const SYSTEM = 'sftp';
/** Largest file `get` returns inline (10 MiB); larger files belong in blob storage, not a task output. */
export const MAX_INLINE_FILE_BYTES = 10 * 1024 * 1024;

const Settings = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(22),
    username: z.string().min(1),
    hostKeySha256: z
      .string()
      .regex(/^(SHA256:)?[A-Za-z0-9+/]{43}=?$/, 'expected a SHA-256 fingerprint as printed by ssh-keygen -lf (SHA256:…)')
      .optional()
      .describe('Pins the server host key.'),
    acceptAnyHostKey: z
      .boolean()
      .default(false)
      .describe('Skips host key verification (man-in-the-middle risk); only for throwaway servers.'),
    readyTimeoutMs: z.number().int().min(1000).max(120_000).default(15_000),
  })
  .refine((s) => s.hostKeySha256 || s.acceptAnyHostKey, {
    path: ['hostKeySha256'],
    message: 'pin the host key (hostKeySha256) or set acceptAnyHostKey',
  });

const Secrets = z.object({ password: z.string().optional(), privateKey: z.string().optional(), passphrase: z.string().optional() });

const connectionSchema = z.object({ settings: Settings, secrets: Secrets }).refine((c) => c.secrets.password || c.secrets.privateKey, {
  path: ['secrets', 'password'],
  message: 'give secrets.password or secrets.privateKey',
});

const RemotePath = z.string().min(1).max(4096);

interface SftpBound {
  session<T>(signal: AbortSignal, fn: (c: SftpClient) => Promise<T>): Promise<T>;
}

function fingerprint(key: Buffer): string {
  return createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}

const operations = {
  list: call<SftpBound, z.ZodObject<{ path: typeof RemotePath; pattern: z.ZodOptional<z.ZodString> }>>({
    description: 'Lists a directory: name, type (file, directory, link), size and modification time of each entry.',
    input: z.object({ path: RemotePath, pattern: z.string().optional().describe('Glob on the name, e.g. *.csv') }),
    output: z.object({ items: z.array(z.object({ name: z.string(), type: z.string(), size: z.number(), modifiedAt: z.string() })) }),
    run: (input, ctx, b) =>
      b.session(ctx.signal, async (c) => {
        const entries = await c.list(input.path, input.pattern ? globFilter(input.pattern) : undefined);
        return {
          items: entries
            .map((e) => ({
              name: e.name,
              type: e.type === 'd' ? 'directory' : e.type === 'l' ? 'link' : 'file',
              size: e.size,
              modifiedAt: new Date(e.modifyTime).toISOString(),
            }))
            .sort((a, b2) => a.name.localeCompare(b2.name)),
        };
      }),
  }),
  get: call<SftpBound, z.ZodObject<{ path: typeof RemotePath; encoding: z.ZodDefault<z.ZodEnum<{ utf8: 'utf8'; base64: 'base64' }>> }>>({
    description: `Reads a file (at most ${MAX_INLINE_FILE_BYTES} bytes) as UTF-8 text or base64.`,
    input: z.object({ path: RemotePath, encoding: z.enum(['utf8', 'base64']).default('utf8') }),
    output: z.object({ path: z.string(), size: z.number(), content: z.string() }),
    run: (input, ctx, b) =>
      b.session(ctx.signal, async (c) => {
        const st = await c.stat(input.path);
        if (st.size > MAX_INLINE_FILE_BYTES)
          throw new UpstreamError(
            'sftp_file_too_large',
            SYSTEM,
            `${input.path} is ${st.size} bytes; at most ${MAX_INLINE_FILE_BYTES} can be read inline.`,
          );
        const data = (await c.get(input.path)) as Buffer;
        return { path: input.path, size: data.length, content: data.toString(input.encoding) };
      }),
  }),
  put: call<
    SftpBound,
    z.ZodObject<{ path: typeof RemotePath; content: z.ZodString; encoding: z.ZodDefault<z.ZodEnum<{ utf8: 'utf8'; base64: 'base64' }>> }>
  >({
    description:
      'Writes a file (UTF-8 text or base64), replacing it. Written to a temporary name and renamed, so readers never see half a file.',
    input: z.object({ path: RemotePath, content: z.string(), encoding: z.enum(['utf8', 'base64']).default('utf8') }),
    output: z.object({ path: z.string(), size: z.number() }),
    run: (input, ctx, b) =>
      b.session(ctx.signal, async (c) => {
        const data = Buffer.from(input.content, input.encoding);
        const tmp = posix.join(posix.dirname(input.path), `.${posix.basename(input.path)}.${ctx.idempotencyKey.slice(0, 36)}.part`);
        await c.put(data, tmp);
        if (await c.exists(input.path)) await c.delete(input.path);
        await c.rename(tmp, input.path);
        return { path: input.path, size: data.length };
      }),
  }),
  move: call<SftpBound, z.ZodObject<{ from: typeof RemotePath; to: typeof RemotePath; overwrite: z.ZodDefault<z.ZodBoolean> }>>({
    description: 'Moves (renames) a file. A retry after a move that already happened succeeds: the source is gone and the target is there.',
    input: z.object({ from: RemotePath, to: RemotePath, overwrite: z.boolean().default(false) }),
    output: z.object({ from: z.string(), to: z.string(), moved: z.boolean() }),
    run: (input, ctx, b) =>
      b.session(ctx.signal, async (c) => {
        const source = await c.exists(input.from);
        const target = await c.exists(input.to);
        if (!source && target) return { from: input.from, to: input.to, moved: false };
        if (!source) throw new UpstreamError('sftp_not_found', SYSTEM, `${input.from} does not exist.`);
        if (target) {
          if (!input.overwrite) throw new UpstreamError('sftp_target_exists', SYSTEM, `${input.to} exists; set overwrite to replace it.`);
          await c.delete(input.to);
        }
        await c.rename(input.from, input.to);
        return { from: input.from, to: input.to, moved: true };
      }),
  }),
};

function globFilter(pattern: string) {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return (e: { name: string }) => re.test(e.name);
}

/** Registration of the SFTP adapter. */
export const sftpAdapter: AdapterRegistration = {
  systemType: SYSTEM,
  category: 'operational',
  connectionTypes: ['sftp', 'ssh'],
  infer: (s) => Number(s['port']) === 22 && typeof s['username'] === 'string',
  operations: declareOperations(operations),
  connectionSchema,
  create(c: ConnectorDescriptor, env: AdapterEnvironment) {
    const s = Settings.parse(c.settings);
    const secret = (k: string) => (typeof c.secrets[k] === 'string' ? (c.secrets[k] as string) : undefined);
    const bound: SftpBound = {
      async session(signal, fn) {
        const address = await env.network.resolve(s.host);
        const client = new SftpClient('demiton');
        const want = s.hostKeySha256?.replace(/^SHA256:/, '').replace(/=+$/, '');
        let seenKey: string | undefined;
        const onAbort = () => void client.end().catch(() => undefined);
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          await client.connect({
            host: address,
            port: s.port,
            username: s.username,
            password: secret('password'),
            privateKey: secret('privateKey'),
            passphrase: secret('passphrase'),
            readyTimeout: s.readyTimeoutMs,
            retries: 0,
            hostVerifier: (key: Buffer) => {
              seenKey = fingerprint(key);
              return s.acceptAnyHostKey || seenKey === want;
            },
          } as SftpClient.ConnectOptions);
        } catch (err) {
          signal.removeEventListener('abort', onAbort);
          await client.end().catch(() => undefined);
          if (seenKey && !s.acceptAnyHostKey && seenKey !== want) {
            throw new UpstreamError(
              'sftp_host_key_mismatch',
              SYSTEM,
              `The host key of ${s.host} is SHA256:${seenKey}, not the pinned SHA256:${want}.`,
              { cause: err },
            );
          }
          throw upstream(SYSTEM, err, `SFTP connection to ${s.host}:${s.port}`);
        }
        try {
          return await fn(client);
        } catch (err) {
          throw upstream(SYSTEM, err, 'SFTP');
        } finally {
          signal.removeEventListener('abort', onAbort);
          await client.end().catch(() => undefined);
        }
      },
    };
    return {
      systemType: SYSTEM,
      category: 'operational',
      operations: bindOperations(operations, bound),
      testConnection: (signal) =>
        bound.session(signal, async (cl) => ({ ok: true as const, detail: `connected; working directory ${await cl.cwd()}` })),
    };
  },
};
