/**
 * The request object the local host hands to the registered handlers. It has the shape of
 * @azure/functions' HttpRequest; what the handlers read on every request (method, url, headers,
 * query, params, the body as text, JSON or bytes) is answered directly from the bytes the local
 * host received, and everything else (`user`, `body` as a stream, `blob`, `formData`, `clone`) is
 * answered by a real HttpRequest built from the same data on first use. The real class wraps a
 * WHATWG Request, which cost as much per request as the rest of the trigger path's HTTP layer
 * (bench: ~45 µs of ~500 µs of control-plane CPU per trigger).
 */
import { HttpRequest, type HttpRequestInit, type HttpRequestParams, type HttpRequestUser } from '@azure/functions';

export interface LocalRequestInit {
  method: string;
  url: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  params: Record<string, string>;
  body: Uint8Array | null;
}

const NO_BODY = new Set(['GET', 'HEAD']);
const decoder = new TextDecoder();

export class LocalHttpRequest implements Omit<HttpRequest, never> {
  readonly method: string;
  readonly url: string;
  readonly params: HttpRequestParams;
  private headersObj: Headers | null = null;
  private queryObj: URLSearchParams | null = null;
  private real: HttpRequest | null = null;
  private used = false;

  constructor(private readonly init: LocalRequestInit) {
    this.method = init.method;
    this.url = init.url;
    this.params = init.params;
  }

  get headers(): Headers {
    return (this.headersObj ??= new Headers(this.init.headers));
  }

  get query(): URLSearchParams {
    return (this.queryObj ??= new URLSearchParams(this.init.query));
  }

  /** The real HttpRequest for the members the handlers seldom read. */
  private native(): HttpRequest {
    const { method, url, headers, query, params, body } = this.init;
    const init: HttpRequestInit = { method, url, headers, query, params, ...(body && body.length ? { body: { bytes: body } } : {}) };
    return (this.real ??= new HttpRequest(init));
  }

  get user(): HttpRequestUser | null {
    return this.native().user;
  }

  get body(): ReadableStream | null {
    return this.native().body;
  }

  get bodyUsed(): boolean {
    return this.used || (this.real?.bodyUsed ?? false);
  }

  private bytes(): Uint8Array {
    // As the real class: GET and HEAD requests have no body, and no body can be read any number of times.
    if (NO_BODY.has(this.method.toUpperCase()) || !this.init.body?.length) return new Uint8Array(0);
    if (this.bodyUsed) throw new TypeError('Body is unusable: Body has already been read');
    this.used = true;
    return this.init.body;
  }

  // TextDecoder as the WHATWG text(): UTF-8, a leading byte-order mark dropped.
  readonly text = async (): Promise<string> => decoder.decode(this.bytes());
  readonly json = async (): Promise<unknown> => JSON.parse(await this.text());
  readonly arrayBuffer = async (): Promise<ArrayBuffer> => {
    const b = this.bytes();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  };
  readonly blob = (): Promise<Blob> => this.native().blob();
  readonly formData = (): Promise<FormData> => this.native().formData();
  readonly clone = (): HttpRequest => this.native().clone();
}
