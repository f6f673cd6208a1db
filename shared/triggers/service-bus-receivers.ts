/**
 * Service Bus triggers configured at run time (through the triggers API): the worker lists them
 * every few seconds and runs one receiver per enabled trigger, across all instances, holding a
 * lease on the trigger's row in PostgreSQL (`trigger_leases`) that it renews on each pass. An
 * instance that stops gives its leases up; one that dies loses them when they expire, and another
 * instance starts the receiver. A changed trigger (settings or secret) gets a new receiver.
 *
 * Each message is received in peek-lock mode and completed only after the run's pre-flight
 * commit; its message id is the run's idempotency key, so a message redelivered after a crash
 * between commit and complete returns the run already started. A message whose run cannot be
 * committed is abandoned (Service Bus redelivers it) until `maxDeliveryAttempts`, then
 * dead-lettered; one that can never start a run (bad body, input refused) is dead-lettered at once.
 */
import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';
import type { Principal } from '../domain/principal';
import { DemitonError, ExpressionError, ExpressionLimitError } from '../domain/errors';
import { evaluate, mapValue } from '../domain/expressions';
import type { ServiceBusTriggerBody } from '../domain/triggers-api';
import { triggerRun } from '../engine/preflight';
import type { Platform } from '../platform';
import {
  acquireLease,
  insertDeliveries,
  listServiceBusTriggers,
  releaseLease,
  type DeliveryRecord,
  type TriggerRow,
} from '../store/triggers';
import { MappingFailedError } from './errors';
import { idempotencyKeyFor } from './hook-service';
import { openSecrets } from './trigger-cache';
import { unwrapExpression } from './triggers-service';

/** What this module uses of the platform (not the whole of it). */
export type ServiceBusReceiversDeps = Pick<Platform, 'db' | 'logger' | 'network' | 'queue' | 'secretBox'>;

type ServiceBusConfig = Omit<ServiceBusTriggerBody, 'type' | 'name' | 'enabled' | 'secretOverlapSeconds' | 'connectionString'>;

export interface ReceiversOptions {
  /** Who holds the leases (the worker id). */
  holder: string;
  /** How often triggers are listed and leases renewed (default 5 s). */
  pollMs?: number;
  /** Lease length (default 30 s): a dead instance's receivers move elsewhere after this. */
  leaseMs?: number;
  /** Messages processed at once per receiver (default 16). */
  maxConcurrentCalls?: number;
}

interface Running {
  fingerprint: string;
  /** When the lease was last taken or renewed. */
  renewedAt: number;
  client: ServiceBusClient;
  receiver: ServiceBusReceiver;
  close(): Promise<void>;
}

/** Changes to these restart the receiver. */
const fingerprintOf = (t: TriggerRow) => `${t.updatedAt.getTime()}:${t.enabled}`;

/** The run input of a message as the host SDK gives it: JSON bodies parsed, text as text, bytes as UTF-8 (JSON if it parses). */
function bodyOf(m: ServiceBusReceivedMessage): unknown {
  let b: unknown = m.body;
  if (b instanceof Uint8Array) b = Buffer.from(b).toString('utf8');
  if (typeof b === 'string') {
    try {
      return JSON.parse(b);
    } catch {
      return b;
    }
  }
  return b;
}

/** Hostname of a connection string's `Endpoint=sb://host[:port]/`. */
function endpointHost(connectionString: string): string {
  const m = /(?:^|;)\s*Endpoint\s*=\s*sb:\/\/([^;/:]+)/i.exec(connectionString);
  if (!m) throw new MappingFailedError('The Service Bus connection string has no Endpoint=sb://… part.');
  return m[1]!;
}

/** Runs the receivers of the Service Bus triggers this instance holds the lease of. */
export class ServiceBusReceivers {
  private readonly running = new Map<string, Running>();
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;
  private stopped = false;
  private readonly pollMs: number;
  private readonly leaseMs: number;

  constructor(
    private readonly p: ServiceBusReceiversDeps,
    private readonly opts: ReceiversOptions,
  ) {
    this.pollMs = opts.pollMs ?? 5_000;
    this.leaseMs = opts.leaseMs ?? 30_000;
  }

  /** Triggers whose receiver runs here now. */
  get held(): string[] {
    return [...this.running.keys()];
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.pass = this.reconcile()
        .catch((err: unknown) => {
          this.p.logger.warn({ err }, 'Service Bus triggers: reconciling receivers failed; trying again');
          return this.dropUnrenewed();
        })
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.pollMs);
        });
    };
    tick();
  }

  /** Closes every receiver and gives its lease up (another instance takes over at once). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.pass;
    await Promise.all([...this.running.keys()].map((id) => this.stopReceiver(id, true)));
  }

  /** One pass: start receivers for triggers this instance can lease, renew held leases, stop what changed or went. */
  async reconcile(): Promise<void> {
    const triggers = await listServiceBusTriggers(this.p.db);
    const wanted = new Map(triggers.filter((t) => t.enabled).map((t) => [t.id, t]));
    for (const id of [...this.running.keys()]) {
      const t = wanted.get(id);
      if (!t || fingerprintOf(t) !== this.running.get(id)!.fingerprint) await this.stopReceiver(id, !!t);
    }
    for (const t of wanted.values()) {
      if (this.stopped) return;
      const leased = await acquireLease(this.p.db, t.id, this.opts.holder, this.leaseMs);
      if (!leased) {
        // Someone else holds it (or took it over after our lease expired): never two receivers.
        if (this.running.has(t.id)) await this.stopReceiver(t.id, false);
        continue;
      }
      const held = this.running.get(t.id);
      if (held) held.renewedAt = Date.now();
      else {
        try {
          await this.startReceiver(t);
        } catch (err) {
          this.p.logger.warn({ err, triggerId: t.id }, 'Service Bus trigger: receiver did not start; retrying on the next pass');
          await releaseLease(this.p.db, t.id, this.opts.holder).catch(() => undefined);
        }
      }
    }
  }

  /**
   * Stops receivers whose lease could not be renewed for a whole lease length (the database was
   * unreachable): another instance may hold it by now, and two receivers must not run at once.
   */
  private async dropUnrenewed(now = Date.now()): Promise<void> {
    for (const [id, r] of [...this.running]) if (now - r.renewedAt >= this.leaseMs) await this.stopReceiver(id, false);
  }

  private async stopReceiver(id: string, release: boolean): Promise<void> {
    const r = this.running.get(id);
    if (!r) return;
    this.running.delete(id);
    await r.close().catch((err: unknown) => this.p.logger.warn({ err, triggerId: id }, 'Service Bus trigger: closing the receiver failed'));
    if (release) await releaseLease(this.p.db, id, this.opts.holder).catch(() => undefined);
  }

  private async startReceiver(t: TriggerRow): Promise<void> {
    const cfg = t.config as unknown as ServiceBusConfig;
    const { current: connectionString } = await openSecrets(this.p, t);
    if (!connectionString) throw new MappingFailedError('The Service Bus trigger has no connection string.');
    await this.p.network.resolve(endpointHost(connectionString));
    // Loaded on first use: a deployment without Service Bus triggers never loads the SDK.
    const { ServiceBusClient } = await import('@azure/service-bus');
    const client = new ServiceBusClient(connectionString, {
      retryOptions: { maxRetries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 5_000, timeoutInMs: 30_000 },
    });
    // Lock renewal off: a message is settled right after one pre-flight commit (milliseconds), far within any lock duration.
    const options = { receiveMode: 'peekLock' as const, maxAutoLockRenewalDurationInMs: 0 };
    const receiver = cfg.queue ? client.createReceiver(cfg.queue, options) : client.createReceiver(cfg.topic!, cfg.subscription!, options);
    const entity = cfg.queue ?? `${cfg.topic}/${cfg.subscription}`;
    const log = this.p.logger.child({ triggerId: t.id, entity });
    const principal: Principal = { orgId: t.orgId, actor: { type: 'system', id: `trigger:${t.id}` }, role: 'operator' };
    const record = (d: Omit<DeliveryRecord, 'triggerId' | 'orgId'>) =>
      insertDeliveries(this.p.db, [{ triggerId: t.id, orgId: t.orgId, ...d }]).catch((err: unknown) =>
        log.warn({ err }, 'Service Bus delivery not recorded'),
      );
    const subscription = receiver.subscribe(
      {
        processMessage: async (m) => {
          const messageId = m.messageId === undefined ? null : String(m.messageId);
          let input: Record<string, unknown> | null;
          try {
            input = await this.inputFor(cfg, m);
          } catch (err) {
            // A body or mapping that cannot give a run never will: dead-letter at once.
            await receiver.deadLetterMessage(m, {
              deadLetterReason: err instanceof DemitonError ? err.code : 'internal_error',
              deadLetterErrorDescription: (err as Error).message.slice(0, 1024),
            });
            await record({
              outcome: 'failed',
              statusCode: 422,
              deliveryId: messageId,
              runId: null,
              reason: err instanceof DemitonError ? err.code : 'internal_error',
            });
            return;
          }
          if (!input) {
            await receiver.completeMessage(m);
            await record({ outcome: 'filtered', statusCode: 204, deliveryId: messageId, runId: null, reason: null });
            return;
          }
          const attempt = (m.deliveryCount ?? 0) + 1;
          try {
            const run = await triggerRun(this.p, principal, t.workflowId, input, {
              idempotencyKey: messageId ? idempotencyKeyFor(t.id, messageId) : undefined,
              trigger: 'event',
              source: `service-bus:${entity}`,
            });
            // Completed only now that the run is committed: a crash before this redelivers the message, which finds the run.
            await receiver.completeMessage(m);
            await record({
              outcome: run.replayed ? 'duplicate' : 'started',
              statusCode: 202,
              deliveryId: messageId,
              runId: run.id,
              reason: null,
            });
          } catch (err) {
            const code = err instanceof DemitonError ? err.code : 'internal_error';
            const retryable = !(err instanceof DemitonError) || err.retryable;
            if (!retryable || attempt >= cfg.maxDeliveryAttempts) {
              log.error({ err, code, messageId, attempt }, 'Service Bus message dead-lettered: its run could not be committed');
              await receiver.deadLetterMessage(m, {
                deadLetterReason: code,
                deadLetterErrorDescription: `${(err as Error).message}`.slice(0, 1024),
              });
            } else {
              log.warn(
                { err, code, messageId, attempt },
                'Service Bus message abandoned: its run could not be committed; it will be redelivered',
              );
              await receiver.abandonMessage(m);
            }
            await record({ outcome: 'failed', statusCode: retryable ? 503 : 422, deliveryId: messageId, runId: null, reason: code });
          }
        },
        processError: async (args) => {
          log.warn({ err: args.error, source: args.errorSource }, 'Service Bus receiver error; the SDK reconnects');
        },
      },
      { autoCompleteMessages: false, maxConcurrentCalls: this.opts.maxConcurrentCalls ?? 16 },
    );
    this.running.set(t.id, {
      fingerprint: fingerprintOf(t),
      renewedAt: Date.now(),
      client,
      receiver,
      async close() {
        await subscription.close();
        await receiver.close();
        await client.close();
      },
    });
    log.info('Service Bus trigger: receiving');
  }

  /** Filter and mapping over `{ body, applicationProperties, messageId, subject }`: null when the filter drops the message. */
  private async inputFor(cfg: ServiceBusConfig, m: ServiceBusReceivedMessage): Promise<Record<string, unknown> | null> {
    const body = bodyOf(m);
    const ctx = { body, applicationProperties: m.applicationProperties ?? {}, messageId: m.messageId ?? null, subject: m.subject ?? null };
    try {
      if (cfg.filter) {
        const v = await evaluate(unwrapExpression(cfg.filter), ctx, 'filter');
        if (Array.isArray(v) ? !v.length : !v) return null;
      }
      const input = cfg.input === undefined ? body : await mapValue(cfg.input, ctx, 'input');
      if (input === null || typeof input !== 'object' || Array.isArray(input)) {
        throw new MappingFailedError(
          cfg.input === undefined
            ? 'The message body is not a JSON object (the run input).'
            : 'The trigger’s input mapping did not give an object (the run input).',
        );
      }
      return input as Record<string, unknown>;
    } catch (err) {
      if (err instanceof ExpressionError || err instanceof ExpressionLimitError)
        throw new MappingFailedError(`The trigger’s ${err.taskKey} failed on this message: ${err.message}`, { cause: err });
      throw err;
    }
  }
}
