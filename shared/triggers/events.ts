/**
 * What a webhook delivery holds, by the trigger's format: handshakes to answer (Event Grid's
 * subscription validation, CloudEvents' OPTIONS validation, the `validationToken` of Microsoft
 * Graph and Business Central), and the events each delivery carries (one for `json`; every event
 * of an Event Grid or CloudEvents batch; every notification in a Graph or Business Central `value`),
 * each with the id that makes a redelivery recognisable.
 */
import { createHash } from 'node:crypto';
import { InvalidDeliveryError } from './errors';

export type HookFormat = 'json' | 'event-grid' | 'graph' | 'business-central';

/** One event of a delivery: the body the mapping sees, and its delivery id (null when none). */
export interface HookEvent {
  body: unknown;
  deliveryId: string | null;
  /** Graph and Business Central: the `clientState` the notification carries. */
  clientState?: unknown;
}

/** A handshake answered without starting a run. */
export interface Handshake {
  status: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export const EVENT_GRID_VALIDATION = 'Microsoft.EventGrid.SubscriptionValidationEvent';

/** Longest validation token echoed (Graph's are a few hundred characters). */
const MAX_TOKEN_LENGTH = 4096;

/**
 * The handshake a request is, or null. `query` and the parsed body are all it reads: handshakes
 * carry no secret (Graph and Business Central send none; Event Grid's validation may lack the
 * delivery headers), start no run and answer only with what the caller sent.
 */
export function handshakeOf(
  format: HookFormat,
  method: string,
  header: (n: string) => string | null,
  query: (n: string) => string | null,
  body: () => unknown,
): Handshake | null {
  if (method === 'OPTIONS') {
    // CloudEvents webhook validation (Event Grid in CloudEvents mode): allow the requesting origin.
    const origin = header('webhook-request-origin');
    if (format !== 'event-grid' || !origin) return null;
    return {
      status: 200,
      headers: { 'WebHook-Allowed-Origin': origin.slice(0, 255), 'WebHook-Allowed-Rate': '*', Allow: 'POST, OPTIONS' },
    };
  }
  if (format === 'graph' || format === 'business-central') {
    const token = query('validationToken');
    if (token === null) return null;
    if (token.length > MAX_TOKEN_LENGTH)
      throw new InvalidDeliveryError('invalid_event', `validationToken is longer than ${MAX_TOKEN_LENGTH} characters.`);
    return { status: 200, text: token, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' } };
  }
  if (format === 'event-grid') {
    const parsed = body();
    const first = Array.isArray(parsed) ? parsed[0] : null;
    if (first && typeof first === 'object' && (first as Record<string, unknown>)['eventType'] === EVENT_GRID_VALIDATION) {
      const code = ((first as Record<string, unknown>)['data'] as Record<string, unknown> | undefined)?.['validationCode'];
      if (typeof code !== 'string' || code.length > 200)
        throw new InvalidDeliveryError('invalid_event', 'The subscription validation event has no validationCode.');
      return { status: 200, body: { validationResponse: code } };
    }
  }
  return null;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** A stable id for an event with none of its own: the SHA-256 of its JSON (a retry sends the same bytes). */
function contentId(v: unknown): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(v)).digest('base64url')}`;
}

function idOf(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : null;
}

/** A CloudEvent's id is unique per source (CloudEvents 1.0 §3.1.1). */
function cloudEventId(e: Record<string, unknown>): string | null {
  const id = idOf(e['id']);
  return id === null ? null : `${String(e['source'] ?? '')}#${id}`;
}

/** The CloudEvent of a binary-mode request (attributes in `ce-` headers, data in the body). */
function binaryCloudEvent(header: (n: string) => string | null, body: unknown): Record<string, unknown> | null {
  if (!header('ce-specversion')) return null;
  const event: Record<string, unknown> = {};
  for (const a of ['specversion', 'id', 'source', 'type', 'subject', 'time', 'dataschema']) {
    const v = header(`ce-${a}`);
    if (v !== null) event[a] = v;
  }
  const type = header('content-type');
  if (type) event['datacontenttype'] = type;
  event['data'] = body;
  return event;
}

/**
 * The events of a verified delivery. `deliveryIdHeader` names the id of a `json` delivery;
 * Event Grid and CloudEvents events carry their own `id`; Graph and Business Central
 * notifications have none, so their content identifies them.
 */
export function eventsOf(
  format: HookFormat,
  header: (n: string) => string | null,
  body: unknown,
  deliveryIdHeader: string | undefined,
): HookEvent[] {
  switch (format) {
    case 'json': {
      if (!deliveryIdHeader) return [{ body, deliveryId: null }];
      const id = header(deliveryIdHeader.toLowerCase());
      if (!id) throw new InvalidDeliveryError('delivery_id_missing', `The delivery has no ${deliveryIdHeader} header.`);
      return [{ body, deliveryId: id }];
    }
    case 'event-grid': {
      const binary = binaryCloudEvent(header, body);
      if (binary) return [{ body: binary, deliveryId: cloudEventId(binary) }];
      const list = Array.isArray(body) ? body : isObject(body) ? [body] : null;
      if (!list || !list.length)
        throw new InvalidDeliveryError(
          'invalid_event',
          'Expected an Event Grid event array or a CloudEvent (structured, batch or binary mode).',
        );
      return list.map((e, i) => {
        if (!isObject(e)) throw new InvalidDeliveryError('invalid_event', `Event ${i} is not an object.`);
        if (typeof e['specversion'] === 'string') {
          const id = cloudEventId(e);
          if (!id || typeof e['type'] !== 'string' || typeof e['source'] !== 'string')
            throw new InvalidDeliveryError('invalid_event', `CloudEvent ${i} lacks id, source or type.`);
          return { body: e, deliveryId: id };
        }
        const id = idOf(e['id']);
        if (!id || typeof e['eventType'] !== 'string')
          throw new InvalidDeliveryError('invalid_event', `Event Grid event ${i} lacks id or eventType.`);
        return { body: e, deliveryId: id };
      });
    }
    case 'graph':
    case 'business-central': {
      const value = isObject(body) ? body['value'] : undefined;
      if (!Array.isArray(value))
        throw new InvalidDeliveryError('invalid_event', 'Expected change notifications: an object with a `value` array.');
      return value.map((n, i) => {
        if (!isObject(n)) throw new InvalidDeliveryError('invalid_event', `Notification ${i} is not an object.`);
        return { body: n, deliveryId: contentId(n), clientState: n['clientState'] };
      });
    }
  }
}

/** Deepest nesting a body may have: the mapping walks values recursively (as the API's own limit, functions/http-kit.ts). */
const MAX_DEPTH = 100;

/**
 * Refuses what a run input cannot hold: nesting deeper than MAX_DEPTH, and U+0000 anywhere
 * (PostgreSQL's jsonb cannot store it). Walked without recursion.
 */
function checkStorable(value: unknown): void {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (d > MAX_DEPTH) throw new InvalidDeliveryError('malformed_body', `The body nests deeper than ${MAX_DEPTH} levels.`);
    if (typeof v === 'string') {
      if (v.includes('\u0000'))
        throw new InvalidDeliveryError('malformed_body', 'The body contains the character U+0000, which cannot be stored.');
    } else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        if (k.includes('\u0000'))
          throw new InvalidDeliveryError('malformed_body', 'The body contains the character U+0000, which cannot be stored.');
        stack.push([item, d + 1]);
      }
    }
  }
}

/**
 * The body as the mapping sees it: JSON when it parses, form fields for
 * application/x-www-form-urlencoded, else the text. Formats other than `json` need JSON.
 */
export function parseBody(format: HookFormat, contentType: string | null, raw: Buffer): unknown {
  if (!raw.length) return format === 'json' ? null : undefined;
  const text = raw.toString('utf8');
  let value: unknown;
  if (contentType && /application\/x-www-form-urlencoded/i.test(contentType) && format === 'json')
    value = Object.fromEntries(new URLSearchParams(text));
  else {
    try {
      value = JSON.parse(text);
    } catch {
      if (format !== 'json') throw new InvalidDeliveryError('malformed_body', 'The body is not valid JSON.');
      value = text;
    }
  }
  checkStorable(value);
  return value;
}

const DROPPED_HEADERS = new Set(['cookie', 'set-cookie', 'authorization', 'proxy-authorization', 'x-api-key']);

/** Headers the mapping may read: lower-cased, without credentials (cookies, Authorization, API key, the trigger's own token header). */
export function visibleHeaders(headers: Iterable<[string, string]>, tokenHeader: string | undefined): Record<string, string> {
  const drop = tokenHeader?.toLowerCase();
  const out: Record<string, string> = {};
  for (const [k, v] of headers) {
    const name = k.toLowerCase();
    if (DROPPED_HEADERS.has(name) || name === drop) continue;
    out[name] = v;
  }
  return out;
}
