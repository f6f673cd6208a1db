/**
 * The adapter contract. An adapter talks to one kind of external system; it declares its
 * operations with input/output schemas so definitions can be checked on save and the studio can
 * draw forms. Nothing instantiates an adapter directly: `resolve-adapter.ts` is the only way in.
 */
import type { WebSocketImpl } from '@azure/service-bus';
import type { z } from 'zod';
import type { Logger } from '../logger';
import type { BusinessObjectAccess } from '../business-objects/business-object-access';
import type { OutboundPolicy } from './network-policy';
import type { ConnectorEndpoint, HostAllowList } from './host-allowlist';
import type { ModelAccess } from './cognitive/model-access';
import type { FileAccess } from './document-source';
import type { KnowledgeAccess } from './intelligence/knowledge-access';

export const ADAPTER_CATEGORIES = [
  'erp',
  'operational',
  'finance',
  'datasource',
  'comms',
  'identity',
  'cognitive',
  'intelligence',
  'platform',
] as const;
export type AdapterCategory = (typeof ADAPTER_CATEGORIES)[number];

/** What every operation call receives besides its input. */
export interface OperationContext {
  /** Aborted on task timeout, run cancellation or worker shutdown. */
  signal: AbortSignal;
  /** Stable across attempts of the same task or chunk: adapters use it to make effects happen once. */
  idempotencyKey: string;
  logger: Logger;
  /** The key of the task (or chunked task) this call belongs to, for messages. */
  taskKey: string;
  /** The expression context of the task (`{ input, steps, record, run }`), for operations that evaluate expressions. */
  expressionContext: Record<string, unknown>;
  /** The organisation, project and run of the call (set by the engine; absent in bare unit calls). */
  orgId?: string;
  projectId?: string;
  runId?: string;
  /** Narrow handles on Demiton's own data, for `platform` operations (business objects). */
  services?: OperationServices;
}

/** What the engine lends to operations that read or write Demiton data. */
export interface OperationServices {
  businessObjects: BusinessObjectAccess;
  /** The organisation's model, token budget and usage ledger (cognitive adapters). */
  models?: ModelAccess | undefined;
  /** The organisation's document index, the one the assistant searches (knowledge operations). */
  knowledge?: KnowledgeAccess | undefined;
  /** Files of the project's other connectors, for `{ connector, path }` document references. */
  files?: FileAccess | undefined;
}

/** What adapters get from the platform when they are built: the outbound network policy. */
export interface AdapterEnvironment {
  /** Every outbound connection resolves and checks its host through this at connect time. */
  network: OutboundPolicy;
  /** Hosts each kind of endpoint may name (absent: no list, as in loopback tests); checked on save and before `create`. */
  hosts?: HostAllowList | undefined;
  /**
   * Tests only: the WebSocket class the Service Bus SDK opens its AMQP connection with, so a
   * loopback server can stand in for a namespace (the token audience and the allow-lists still
   * name the namespace). Nothing in the configuration sets it: the platform builds its registry
   * with `network` and `hosts` only, and unset, the SDK connects to the namespace over AMQP/TLS.
   */
  serviceBusWebSocket?: WebSocketImpl | undefined;
}

interface OperationBase<I extends z.ZodType> {
  description: string;
  input: I;
  output?: z.ZodType;
}

/** An operation that returns one result. */
export interface CallOperation<I extends z.ZodType = z.ZodType> extends OperationBase<I> {
  kind: 'call';
  run(input: z.infer<I>, ctx: OperationContext): Promise<unknown>;
}

/** An operation that yields records one at a time (a ChunkedDispatch generator). Must stream, not buffer. */
export interface GeneratorOperation<I extends z.ZodType = z.ZodType> extends OperationBase<I> {
  kind: 'generator';
  generate(input: z.infer<I>, ctx: OperationContext): AsyncIterable<Record<string, unknown>>;
}

export type Operation = CallOperation<any> | GeneratorOperation<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A live adapter bound to one connector's settings. */
export interface Adapter {
  readonly systemType: string;
  readonly category: AdapterCategory;
  readonly operations: Readonly<Record<string, Operation>>;
  /** Checks the connection for real (login, handshake, a cheap query). Throws with the server's error. */
  testConnection?(signal: AbortSignal): Promise<{ ok: true; detail?: string }>;
  close?(): Promise<void>;
}

/** The connector as the factory sees it: what to resolve on. */
export interface ConnectorDescriptor {
  id: string;
  name: string;
  /** Exact system type, e.g. `business-central`, `postgres`, `platform`. */
  systemType?: string | undefined;
  /** Generic protocol, e.g. `sql`, `sftp`, `smtp`, `http`. */
  connectionType?: string | undefined;
  /** Settings (host, url, driver hints…); used to infer the system type. */
  settings: Record<string, unknown>;
  /** Decrypted secrets; never logged, never returned by the API. */
  secrets: Record<string, unknown>;
  /** At most this many calls through this connector at once, across all workers (absent: no limit). Excess calls wait. */
  maxInFlight?: number | undefined;
}

/** How a registry entry builds an adapter and how the factory recognises it. */
export interface AdapterRegistration {
  systemType: string;
  category: AdapterCategory;
  /** Generic connection types this adapter serves as a fallback for (e.g. `['sql']`). */
  connectionTypes?: readonly string[];
  /** Returns true when connector settings look like this system (host names, URL paths, driver hints). */
  infer?(settings: Record<string, unknown>): boolean;
  /** Declared operations, available without a connection (for validation and forms). */
  operations: Readonly<Record<string, Operation>>;
  /** JSON-serialisable schema of the connection settings, for the studio's forms. */
  connectionSchema?: z.ZodType;
  /** Settings that are credentials in all but name (a webhook URL): sealed with the secrets, shown redacted. */
  sensitiveSettings?: readonly string[];
  /** The hosts the connector's settings and secrets send it to that have a per-kind allow-list (Azure services, Entra authorities). */
  endpoints?(connector: { settings: Record<string, unknown>; secrets: Record<string, unknown> }): ConnectorEndpoint[];
  create(connector: ConnectorDescriptor, env: AdapterEnvironment): Adapter;
}
