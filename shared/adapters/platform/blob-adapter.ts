/**
 * Workflow artifacts in Azure Blob Storage (`@azure/storage-blob`): put, get, list and delete
 * blobs in one container. Authenticates with what the organisation supplies: the account key, a
 * SAS token, or its own service principal (`tenantId` + secrets `clientId`/`clientSecret`). Never
 * with the platform's identity, which owns the platform's own storage: a connector with none of
 * the three is refused on save and when it is built.
 *
 * With a service principal, the Storage SDK's bearer-token policy (which answers a 401
 * `WWW-Authenticate` challenge by asking for a token for whatever `resource_id` the server
 * names) is not used: a policy of ours signs each request with a token for
 * `https://storage.azure.com/.default` from a credential that serves no other scope, and a 401
 * is returned as it came.
 *
 * The SDK's sockets come from an agent whose `lookup` is the outbound policy's, so the address
 * connected to is the address checked (IP literals, which skip `lookup`, are checked before each
 * operation).
 */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { TokenCredential } from '@azure/identity';
import {
  AnonymousCredential,
  BaseRequestPolicy,
  BlobServiceClient,
  Pipeline,
  StorageSharedKeyCredential,
  type ContainerClient,
  type HttpOperationResponse,
  type RequestPolicy,
  type RequestPolicyFactory,
  type RequestPolicyOptions,
  type StoragePipelineOptions,
  type WebResource,
} from '@azure/storage-blob';
import { z } from 'zod';
import type { AdapterEnvironment, AdapterRegistration, ConnectorDescriptor } from '../adapter';
import { bindOperations, call, declareOperations } from '../bind-operations';
import { DemitonError } from '../../domain/errors';
import { upstream, UpstreamError } from '../upstream-error';
import { settingHost } from '../setting-host';
import { urlHost, type ConnectorEndpoint } from '../host-allowlist';
import {
  ConnectorCredentialsRequiredError,
  DEFAULT_AUTHORITY_HOST,
  OrgEntraSecrets,
  OrgEntraSettings,
  orgEntraCredential,
  orgServicePrincipal,
} from '../org-entra-credential';
import { isLoopbackHost } from '../../domain/loopback-host';

const SYSTEM = 'azure-blob';
/** Largest blob `getArtifact` returns inline (10 MiB). */
export const MAX_INLINE_BLOB_BYTES = 10 * 1024 * 1024;

const Settings = z.object({
  accountUrl: z.url({ protocol: /^https?$/ }).describe('e.g. https://<account>.blob.core.windows.net'),
  accountName: z.string().min(3).max(64).optional().describe('Needed with an account key.'),
  container: z.string().regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, 'expected a container name: 3-63 of a-z 0-9 -'),
  createContainer: z.boolean().default(false).describe('Create the container on first write when it is missing.'),
  ...OrgEntraSettings,
});
const Secrets = z.object({ accountKey: z.string().optional(), sasToken: z.string().optional(), ...OrgEntraSecrets });

/** The one token scope a Storage connector's service principal is asked for. */
export const STORAGE_SCOPE = 'https://storage.azure.com/.default';

/**
 * Signs each Storage request with a bearer token for `STORAGE_SCOPE` (a Storage pipeline policy
 * in the SDK's request-policy shape). A 401 is handed back as it came: nothing re-authenticates on a
 * challenge. Tokens go over TLS only, except to a loopback host (tests).
 */
class PinnedBearerPolicy extends BaseRequestPolicy {
  constructor(
    next: RequestPolicy,
    options: RequestPolicyOptions,
    private readonly signer: TokenCredential,
  ) {
    super(next, options);
  }
  async sendRequest(request: WebResource): Promise<HttpOperationResponse> {
    const url = new URL(request.url);
    if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname))
      throw new UpstreamError('azure_blob_tls_required', SYSTEM, `A token is sent only over TLS; ${url.origin} is not https.`);
    const token = await this.signer.getToken(STORAGE_SCOPE, request.abortSignal ? { abortSignal: request.abortSignal } : {});
    if (!token) throw new UpstreamError('azure_blob_no_token', SYSTEM, 'The service principal returned no access token.');
    request.headers.set('authorization', `Bearer ${token.token}`);
    return this._nextPolicy.sendRequest(request);
  }
}

// Not named `credential`: the SDK treats a factory with a token `credential` as its own bearer policy.
class PinnedBearerPolicyFactory implements RequestPolicyFactory {
  constructor(private readonly signer: TokenCredential) {}
  create(next: RequestPolicy, options: RequestPolicyOptions): RequestPolicy {
    return new PinnedBearerPolicy(next, options, this.signer);
  }
}

/** The hosts a Storage connector sends its credentials to: the account, and the Entra authority of a service principal. */
function blobEndpoints(c: { settings: Record<string, unknown>; secrets: Record<string, unknown> }): ConnectorEndpoint[] {
  const out: ConnectorEndpoint[] = [];
  const account = urlHost(c.settings['accountUrl']);
  if (account) out.push({ kind: 'azure-blob', path: 'settings.accountUrl', host: account });
  if (orgServicePrincipal(c.settings, c.secrets))
    out.push({
      kind: 'entra-authority',
      path: 'settings.authorityHost',
      host: urlHost(c.settings['authorityHost'] ?? DEFAULT_AUTHORITY_HOST) ?? '',
    });
  return out;
}

const BlobName = z.string().min(1).max(1024);
const Encoding = z.enum(['utf8', 'base64']).default('utf8');

interface BlobBound {
  container(signal: AbortSignal): Promise<ContainerClient>;
  createContainer: boolean;
}

async function guarded<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = err as { statusCode?: number; code?: string; message?: string };
    // The SDK wraps socket errors in a RestError: a policy refusal must still read as one.
    if (e.code === 'outbound_address_blocked' || e.code === 'host_unresolvable') {
      for (let c: unknown = err; c; c = (c as { cause?: unknown }).cause) if (c instanceof DemitonError) throw c;
      throw new UpstreamError(e.code, SYSTEM, `${what}: ${String(e.message)}`, { cause: err, retryable: e.code === 'host_unresolvable' });
    }
    if (typeof e.statusCode === 'number') {
      throw new UpstreamError(
        `azure_blob_http_${e.statusCode}`,
        SYSTEM,
        `${what} failed with HTTP ${e.statusCode}${e.code ? ` (${e.code})` : ''}: ${String(e.message).split('\n')[0]}`,
        {
          cause: err,
          retryable: e.statusCode === 429 || e.statusCode >= 500,
          status: e.statusCode,
        },
      );
    }
    throw upstream(SYSTEM, err, what);
  }
}

const operations = {
  putArtifact: call<
    BlobBound,
    z.ZodObject<{ name: typeof BlobName; content: z.ZodString; encoding: typeof Encoding; contentType: z.ZodOptional<z.ZodString> }>
  >({
    description: 'Writes a blob (UTF-8 text or base64), replacing it; returns its ETag and size.',
    input: z.object({ name: BlobName, content: z.string(), encoding: Encoding, contentType: z.string().optional() }),
    output: z.object({ name: z.string(), size: z.number(), etag: z.string(), url: z.string() }),
    run: (input, ctx, b) =>
      guarded(`Writing blob ${input.name}`, async () => {
        const container = await b.container(ctx.signal);
        if (b.createContainer) await container.createIfNotExists({ abortSignal: ctx.signal });
        const data = Buffer.from(input.content, input.encoding);
        const blob = container.getBlockBlobClient(input.name);
        const r = await blob.uploadData(data, {
          abortSignal: ctx.signal,
          blobHTTPHeaders: {
            blobContentType: input.contentType ?? (input.encoding === 'utf8' ? 'text/plain; charset=utf-8' : 'application/octet-stream'),
          },
          metadata: { demitonidempotencykey: ctx.idempotencyKey.replace(/[^A-Za-z0-9-]/g, '') },
        });
        return { name: input.name, size: data.length, etag: r.etag ?? '', url: blob.url };
      }),
  }),
  getArtifact: call<BlobBound, z.ZodObject<{ name: typeof BlobName; encoding: typeof Encoding }>>({
    description: `Reads a blob (at most ${MAX_INLINE_BLOB_BYTES} bytes) as UTF-8 text or base64; null when it does not exist.`,
    input: z.object({ name: BlobName, encoding: Encoding }),
    output: z
      .object({ name: z.string(), size: z.number(), contentType: z.string().nullable(), etag: z.string(), content: z.string() })
      .nullable(),
    run: (input, ctx, b) =>
      guarded(`Reading blob ${input.name}`, async () => {
        const blob = (await b.container(ctx.signal)).getBlobClient(input.name);
        const props = await blob.getProperties({ abortSignal: ctx.signal }).catch((err: { statusCode?: number }) => {
          if (err.statusCode === 404) return null;
          throw err;
        });
        if (!props) return null;
        if ((props.contentLength ?? 0) > MAX_INLINE_BLOB_BYTES)
          throw new UpstreamError(
            'azure_blob_too_large',
            SYSTEM,
            `${input.name} is ${props.contentLength} bytes; at most ${MAX_INLINE_BLOB_BYTES} can be read inline.`,
          );
        const data = await blob.downloadToBuffer(0, undefined, { abortSignal: ctx.signal });
        return {
          name: input.name,
          size: data.length,
          contentType: props.contentType ?? null,
          etag: props.etag ?? '',
          content: data.toString(input.encoding),
        };
      }),
  }),
  listArtifacts: call<BlobBound, z.ZodObject<{ prefix: z.ZodOptional<z.ZodString>; max: z.ZodDefault<z.ZodNumber> }>>({
    description: 'Lists blobs whose names start with `prefix` (at most `max`).',
    input: z.object({ prefix: z.string().optional(), max: z.number().int().min(1).max(5000).default(1000) }),
    output: z.object({ items: z.array(z.object({ name: z.string(), size: z.number(), lastModified: z.iso.datetime() })) }),
    run: (input, ctx, b) =>
      guarded('Listing blobs', async () => {
        const container = await b.container(ctx.signal);
        const items: Array<{ name: string; size: number; lastModified: string }> = [];
        for await (const blob of container.listBlobsFlat({ ...(input.prefix ? { prefix: input.prefix } : {}), abortSignal: ctx.signal })) {
          items.push({
            name: blob.name,
            size: blob.properties.contentLength ?? 0,
            lastModified: blob.properties.lastModified.toISOString(),
          });
          if (items.length >= input.max) break;
        }
        return { items };
      }),
  }),
  deleteArtifact: call<BlobBound, z.ZodObject<{ name: typeof BlobName }>>({
    description: 'Deletes a blob; succeeds when it is already gone (a retry is harmless).',
    input: z.object({ name: BlobName }),
    output: z.object({ name: z.string(), deleted: z.boolean().describe('False when it was already gone.') }),
    run: (input, ctx, b) =>
      guarded(`Deleting blob ${input.name}`, async () => {
        const r = await (await b.container(ctx.signal)).deleteBlob(input.name, { abortSignal: ctx.signal }).then(
          () => true,
          (err: { statusCode?: number }) => {
            if (err.statusCode === 404) return false;
            throw err;
          },
        );
        return { name: input.name, deleted: r };
      }),
  }),
};

/** Registration of the Azure Blob Storage adapter. */
export const blobAdapter: AdapterRegistration = {
  systemType: SYSTEM,
  category: 'platform',
  connectionTypes: ['blob', 'azure-storage'],
  infer: (s) => settingHost(s, 'accountUrl')?.endsWith('.blob.core.windows.net') ?? false,
  operations: declareOperations(operations),
  connectionSchema: z
    .object({ settings: Settings, secrets: Secrets })
    .refine((c) => !c.secrets.accountKey || c.settings.accountName, {
      path: ['settings', 'accountName'],
      message: 'required with secrets.accountKey',
    })
    .refine((c) => c.secrets.accountKey || c.secrets.sasToken || orgServicePrincipal(c.settings, c.secrets), {
      path: ['secrets'],
      message:
        "set secrets.accountKey, secrets.sasToken, or the organisation's own service principal (settings.tenantId with secrets.clientId and secrets.clientSecret); the platform's identity is not lent to connectors",
    }),
  endpoints: blobEndpoints,
  create(c: ConnectorDescriptor, env: AdapterEnvironment) {
    const s = Settings.parse(c.settings);
    const key = typeof c.secrets['accountKey'] === 'string' && c.secrets['accountKey'] ? c.secrets['accountKey'] : undefined;
    const sas = typeof c.secrets['sasToken'] === 'string' && c.secrets['sasToken'] ? c.secrets['sasToken'].replace(/^\?/, '') : undefined;
    const principal = orgServicePrincipal(c.settings, c.secrets);
    if (!key && !sas && !principal)
      throw new ConnectorCredentialsRequiredError(
        c.name,
        SYSTEM,
        'secrets.accountKey, secrets.sasToken, or settings.tenantId with secrets.clientId and secrets.clientSecret',
      );
    let service: BlobServiceClient | undefined;
    // The storage pipeline hands `agent` to the core pipeline's agent policy (not in the option type).
    const agentOptions = { lookup: env.network.lookup as never, keepAlive: false };
    const options = {
      retryOptions: { maxTries: 1 },
      agent: s.accountUrl.startsWith('https:') ? new https.Agent(agentOptions) : new http.Agent(agentOptions),
    } as StoragePipelineOptions;
    const serviceClient = async (): Promise<BlobServiceClient> => {
      if (service) return service;
      if (key) return (service = new BlobServiceClient(s.accountUrl, new StorageSharedKeyCredential(s.accountName!, key), options));
      if (sas) return (service = new BlobServiceClient(`${s.accountUrl.replace(/\/+$/, '')}?${sas}`, undefined, options));
      const signer = orgEntraCredential({ network: env.network, ...principal!, scope: STORAGE_SCOPE, systemType: SYSTEM });
      return (service = new BlobServiceClient(
        s.accountUrl,
        new Pipeline([new AnonymousCredential(), new PinnedBearerPolicyFactory(signer)], options),
      ));
    };
    const bound: BlobBound = {
      createContainer: s.createContainer,
      async container(signal) {
        const host = new URL(s.accountUrl).hostname.replace(/^\[|\]$/g, '');
        if (isIP(host)) env.network.assertAllowed(host, host);
        if (signal.aborted) throw signal.reason;
        return (await serviceClient()).getContainerClient(s.container);
      },
    };
    return {
      systemType: SYSTEM,
      category: 'platform',
      operations: bindOperations(operations, bound),
      testConnection: (signal) =>
        guarded(`Container ${s.container}`, async () => {
          const container = await bound.container(signal);
          const exists = await container.exists({ abortSignal: signal });
          if (!exists && !s.createContainer)
            throw new UpstreamError('azure_blob_container_missing', SYSTEM, `Container '${s.container}' does not exist.`);
          return {
            ok: true as const,
            detail: exists
              ? `container '${s.container}' reachable`
              : `account reachable; container '${s.container}' will be created on first write`,
          };
        }),
    };
  },
};
