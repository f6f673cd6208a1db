/**
 * Where an operation's document comes from: an HTTP(S) URL (fetched under the outbound network
 * policy, redirects not followed), a file of another connector of the project (an SFTP path or a
 * blob name, read through that connector's own adapter, so its credentials and checks apply), or
 * content an earlier step produced (base64 or text). Every source is bounded in size.
 */
import { z } from 'zod';
import type { OutboundPolicy } from './network-policy';
import { TaskFailedError } from '../domain/errors';
import { expectOk, httpRequest } from './platform/http-client';

/** Largest document an operation reads (20 MiB): more than Document Intelligence's free tier (4 MB), far below the 50 MiB HTTP cap. */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

export const DocumentRef = z
  .union([
    z.strictObject({
      url: z.url({ protocol: /^https?$/ }).describe('Fetched with GET under the outbound network policy; redirects are not followed.'),
    }),
    z.strictObject({
      connector: z.string().min(1).describe('An sftp or azure-blob connector of the project.'),
      path: z.string().min(1).describe('The SFTP path or blob name.'),
    }),
    z.strictObject({
      content: z.string().describe('The document itself, e.g. `{{ steps.read.content }}` of an sftp get with encoding base64.'),
      encoding: z.enum(['base64', 'utf8']).default('base64'),
      contentType: z.string().optional(),
      name: z.string().optional(),
    }),
  ])
  .describe('A document: { url }, { connector, path } or { content, encoding }.');
export type DocumentRef = z.infer<typeof DocumentRef>;

export interface LoadedDocument {
  bytes: Buffer;
  contentType: string | null;
  name: string;
}

/** Reads a file through another connector of the same project (lent by the engine). */
export interface FileAccess {
  read(connector: string, path: string, maxBytes: number, signal: AbortSignal): Promise<LoadedDocument>;
}

/** The document is larger than the operation accepts. Not retryable. */
export class DocumentTooLargeForTaskError extends TaskFailedError {
  constructor(
    readonly limitBytes: number,
    what: string,
  ) {
    super('document_too_large', `${what} is larger than ${limitBytes} bytes.`, { retryable: false });
  }
}

const lastSegment = (p: string) => p.split(/[\\/]/).filter(Boolean).pop() ?? 'document';

/** Loads a referenced document, at most `maxBytes`. */
export async function loadDocument(
  ref: DocumentRef,
  deps: { network: OutboundPolicy; files: FileAccess | undefined; signal: AbortSignal; systemType: string },
  maxBytes = MAX_DOCUMENT_BYTES,
): Promise<LoadedDocument> {
  if ('url' in ref) {
    const res = await httpRequest(
      deps.network,
      { method: 'GET', url: ref.url, signal: deps.signal, maxBytes, headers: { accept: '*/*' } },
      deps.systemType,
    ).catch((err: unknown) => {
      if ((err as { code?: string }).code === 'http_response_too_large')
        throw new DocumentTooLargeForTaskError(maxBytes, `The document at ${new URL(ref.url).host}`);
      throw err;
    });
    expectOk(res, `GET ${new URL(ref.url).origin}${new URL(ref.url).pathname}`, deps.systemType);
    return {
      bytes: res.body,
      contentType: res.headers['content-type']?.split(';')[0]?.trim() ?? null,
      name: lastSegment(new URL(ref.url).pathname),
    };
  }
  if ('connector' in ref) {
    if (!deps.files)
      throw new TaskFailedError(
        'document_source_unavailable',
        'Connector document references need the engine (run this operation inside a workflow).',
        { retryable: false },
      );
    return deps.files.read(ref.connector, ref.path, maxBytes, deps.signal);
  }
  const bytes = Buffer.from(ref.content, ref.encoding);
  if (bytes.length > maxBytes) throw new DocumentTooLargeForTaskError(maxBytes, 'The inline document');
  return { bytes, contentType: ref.contentType ?? null, name: ref.name ?? 'document' };
}
