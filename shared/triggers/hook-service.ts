/**
 * Receiving a webhook delivery: find the trigger, hold it to its rate and body limits, answer a
 * handshake, verify the delivery over its raw bytes, split it into events, filter and map each,
 * and start one run per event through the pre-flight commit, with the event's delivery id as the
 * run's idempotency key (so a redelivery returns the run it already started). Every delivery is
 * recorded on the trigger (outcome, status, run, reason; never the body or a secret).
 */
import { createHash } from 'node:crypto';
import { authenticate } from '../auth/authenticate';
import { hasRole, type Principal } from '../domain/principal';
import { BoundedCache } from '../domain/bounded-cache';
import {
  BodyTooLargeError,
  DemitonError,
  ExpressionError,
  ExpressionLimitError,
  IdempotencyKeyReusedError,
  NotFoundError,
} from '../domain/errors';
import { evaluate, mapValue } from '../domain/expressions';
import type { Verification, WebhookTriggerBody } from '../domain/triggers-api';
import { triggerRun, type Triggered } from '../engine/preflight';
import { StatementBatcher } from '../db/statement-batcher';
import type { Platform } from '../platform';
import { toProblem } from '../http/problem';
import { getRunState } from '../store/runs';
import { countFailedVerifications, insertDeliveries, pruneDeliveries, type DeliveryRecord } from '../store/triggers';
import { DeliveryUnverifiedError, InvalidDeliveryError, MappingFailedError, TriggerRateLimitedError } from './errors';
import { eventsOf, handshakeOf, parseBody, visibleHeaders, type HookEvent, type HookFormat } from './events';
import { loadTrigger, validSecrets, type LoadedTrigger } from './trigger-cache';
import { unwrapExpression } from './triggers-service';
import { clientStateMatches, verifyDelivery } from './verify';

/** What this module uses of the platform (not the whole of it). */
export type HookServiceDeps = Pick<Platform, 'config' | 'db' | 'identity' | 'logger' | 'queue' | 'secretBox'>;

/** A delivery as the hook endpoint received it. */
export interface HookRequest {
  method: string;
  headers: Headers;
  query: URLSearchParams;
  /** The raw body; read only once the trigger's body limit is known. */
  body(): Promise<Buffer>;
}

/** The answer to a delivery. */
export interface HookReply {
  status: number;
  body?: unknown;
  /** A text/plain body (Graph and Business Central validation). */
  text?: string;
  headers?: Record<string, string>;
}

type WebhookConfig = Omit<WebhookTriggerBody, 'type' | 'name' | 'enabled' | 'secretOverlapSeconds'> & { verification: Verification };

/** Delivery records are kept this many days. */
const KEEP_DELIVERIES_DAYS = 7;
/** A process prunes old delivery records once per this many it records. */
const PRUNE_EVERY = 10_000;
const SYNC_POLL_MS = 100;

// ---- per-trigger rate limit: a token bucket per trigger and process (no round trip per delivery)

interface Bucket {
  tokens: number;
  at: number;
}
// One bucket per trigger seen lately; a trigger pushed out at the bound starts again full.
const buckets = new BoundedCache<string, Bucket>(10_000);

/** Takes one token from the trigger's bucket (capacity and refill: `perMinute`); throws when empty. */
export function takeToken(triggerId: string, perMinute: number, now = Date.now()): void {
  let b = buckets.get(triggerId);
  if (!b) {
    b = { tokens: perMinute, at: now };
    buckets.set(triggerId, b);
  }
  b.tokens = Math.min(perMinute, b.tokens + ((now - b.at) * perMinute) / 60_000);
  b.at = now;
  if (b.tokens < 1) throw new TriggerRateLimitedError(perMinute, Math.max(1, Math.ceil(((1 - b.tokens) * 60_000) / perMinute / 1000)));
  b.tokens -= 1;
}

// ---- the delivery log, written in batches (one statement for the deliveries of one I/O pass)

const recorders = new WeakMap<
  HookServiceDeps,
  { deliveries: StatementBatcher<DeliveryRecord, void>; failures: StatementBatcher<string, void>; recorded: number }
>();

function recorderFor(p: HookServiceDeps) {
  let r = recorders.get(p);
  if (!r) {
    r = {
      deliveries: new StatementBatcher(
        async (ds) => {
          await insertDeliveries(p.db, ds);
          return ds.map(() => undefined);
        },
        { maxBatch: 512, maxInFlight: 1, gather: 'phase' },
      ),
      failures: new StatementBatcher(
        async (ids) => {
          await countFailedVerifications(p.db, ids);
          return ids.map(() => undefined);
        },
        { maxBatch: 512, maxInFlight: 1, gather: 'phase' },
      ),
      recorded: 0,
    };
    recorders.set(p, r);
  }
  return r;
}

/** Records deliveries; a failure to record is logged, never the delivery's answer. */
async function record(p: HookServiceDeps, ds: DeliveryRecord[]): Promise<void> {
  const r = recorderFor(p);
  try {
    await Promise.all(ds.map((d) => r.deliveries.submit(d)));
  } catch (err) {
    p.logger.warn({ err, triggerId: ds[0]?.triggerId }, 'trigger delivery not recorded');
  }
  countRecorded(p, ds.length);
}

/** Counts `n` delivery records written (here or with their runs) and prunes old ones every PRUNE_EVERY. */
function countRecorded(p: HookServiceDeps, n: number): void {
  const r = recorderFor(p);
  r.recorded += n;
  if (r.recorded >= PRUNE_EVERY) {
    r.recorded = 0;
    pruneDeliveries(p.db, KEEP_DELIVERIES_DAYS).catch((err: unknown) => p.logger.warn({ err }, 'pruning trigger deliveries failed'));
  }
}

/** Counts and logs a failed verification (the reason and the sender's address; never the secret or the body). */
async function refuse(p: HookServiceDeps, t: LoadedTrigger, reason: string, source: string | null): Promise<never> {
  p.logger.warn({ triggerId: t.row.id, orgId: t.row.orgId, reason, source }, 'webhook delivery failed verification');
  const r = recorderFor(p);
  await Promise.all([
    r.failures.submit(t.row.id).catch((err: unknown) => p.logger.warn({ err, triggerId: t.row.id }, 'failed verification not counted')),
    record(p, [{ triggerId: t.row.id, orgId: t.row.orgId, outcome: 'refused', statusCode: 401, deliveryId: null, runId: null, reason }]),
  ]);
  throw new DeliveryUnverifiedError(reason);
}

/** The idempotency key of an event: scoped to the trigger, hashed when the sender's id is long. */
export function idempotencyKeyFor(triggerId: string, deliveryId: string): string {
  const key = `hook:${triggerId}:${deliveryId}`;
  return key.length <= 255 && /^[\x21-\x7e]+$/.test(key)
    ? key
    : `hook:${triggerId}:sha256:${createHash('sha256').update(deliveryId).digest('base64url')}`;
}

/** The principal a signature-verified delivery acts as: the trigger itself, with the operator role. */
function triggerPrincipal(t: LoadedTrigger): Principal {
  return { orgId: t.row.orgId, actor: { type: 'system', id: `trigger:${t.row.id}` }, role: 'operator' };
}

/** Entra sign-in: a caller of the trigger's organisation with at least the operator role. */
async function entraPrincipal(p: HookServiceDeps, t: LoadedTrigger, headers: Headers, source: string | null): Promise<Principal> {
  let who: Principal;
  try {
    who = await authenticate(p, headers);
  } catch (err) {
    if (err instanceof DemitonError && err.retryable) throw err; // identity provider down: 503, not a forgery
    return refuse(p, t, 'entra_rejected', source);
  }
  if (who.orgId !== t.row.orgId) return refuse(p, t, 'entra_other_organisation', source);
  if (!hasRole(who.role, 'operator')) return refuse(p, t, 'entra_role_too_low', source);
  if (who.workflowScope && !who.workflowScope.includes(t.row.workflowId.toLowerCase())) return refuse(p, t, 'entra_workflow_scope', source);
  return who;
}

const isTrue = (v: unknown) => (Array.isArray(v) ? v.length > 0 : !!v);

/** Filter and mapping for one event: null when the filter drops it, else the run input. */
async function inputFor(
  cfg: WebhookConfig,
  event: HookEvent,
  headers: Record<string, string>,
  query: Record<string, string>,
): Promise<Record<string, unknown> | null> {
  const ctx = { body: event.body, headers, query };
  try {
    if (cfg.filter && !isTrue(await evaluate(unwrapExpression(cfg.filter), ctx, 'filter'))) return null;
    const input = cfg.input === undefined ? event.body : await mapValue(cfg.input, ctx, 'input');
    if (cfg.input === undefined && (input === null || typeof input !== 'object' || Array.isArray(input))) return { body: input };
    if (input === null || typeof input !== 'object' || Array.isArray(input))
      throw new MappingFailedError('The trigger’s input mapping did not give an object (the run input).');
    return input as Record<string, unknown>;
  } catch (err) {
    if (err instanceof ExpressionError || err instanceof ExpressionLimitError)
      throw new MappingFailedError(`The trigger’s ${err.taskKey} failed on this delivery: ${err.message.replace(/^Task '[^']*': /, '')}`, {
        cause: err,
      });
    throw err;
  }
}

/** Waits up to `timeoutMs` for a run to end; its state, or null when it is still going. */
async function waitForRun(
  p: HookServiceDeps,
  orgId: string,
  runId: string,
  timeoutMs: number,
): Promise<{ status: string; output: unknown; error: unknown } | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await getRunState(p.db, orgId, runId);
    if (s && (s.status === 'SUCCEEDED' || s.status === 'FAILED' || s.status === 'CANCELLED')) return s;
    if (Date.now() + SYNC_POLL_MS > deadline) return null;
    await new Promise((r) => setTimeout(r, SYNC_POLL_MS));
  }
}

/** Answers one delivery to `POST|OPTIONS /api/hooks/{triggerId}`. Throws typed errors for the refusals. */
export async function receiveDelivery(
  p: HookServiceDeps,
  triggerId: string,
  req: HookRequest,
  source: string | null = null,
): Promise<HookReply> {
  const t = await loadTrigger(p, triggerId);
  if (!t || t.row.type !== 'webhook') throw new NotFoundError('trigger', triggerId);
  const base = { triggerId: t.row.id, orgId: t.row.orgId };
  if (!t.row.enabled) {
    await record(p, [{ ...base, outcome: 'refused', statusCode: 404, deliveryId: null, runId: null, reason: 'disabled' }]);
    throw new NotFoundError('trigger', triggerId);
  }
  const cfg = t.row.config as unknown as WebhookConfig;
  const format = cfg.format as HookFormat;
  takeToken(t.row.id, cfg.rateLimitPerMinute);

  const limit = Math.min(cfg.maxBodyBytes ?? p.config.http.maxBodyBytes, p.config.http.maxBodyBytes);
  const declared = Number(req.headers.get('content-length') ?? 0);
  const tooLarge = async () => {
    await record(p, [{ ...base, outcome: 'refused', statusCode: 413, deliveryId: null, runId: null, reason: 'body_too_large' }]);
    return new BodyTooLargeError(limit);
  };
  if (declared > limit) throw await tooLarge();
  // The body is counted while read (functions/handlers/triggers.ts): past the platform's limit reading stops.
  const raw = await req.body().catch(async (err: unknown) => {
    throw err instanceof BodyTooLargeError ? await tooLarge() : err;
  });
  if (raw.length > limit) throw await tooLarge();

  const header = (n: string) => req.headers.get(n);
  const query = (n: string) => req.query.get(n);
  const method = req.method.toUpperCase();
  const handshake = handshakeOf(format, method, header, query, () => parseBody(format, header('content-type'), raw));
  if (handshake) {
    await record(p, [{ ...base, outcome: 'handshake', statusCode: handshake.status, deliveryId: null, runId: null, reason: null }]);
    return handshake;
  }
  if (method !== 'POST')
    throw new InvalidDeliveryError(
      'invalid_event',
      `${method} is not a delivery: send POST (or OPTIONS for CloudEvents validation on an event-grid trigger).`,
    );

  const v = cfg.verification;
  let principal = triggerPrincipal(t);
  if (v.type === 'entra') principal = await entraPrincipal(p, t, req.headers, source);
  else if (v.type !== 'client-state') {
    const failure = verifyDelivery(v, validSecrets(t), { rawBody: raw, header, query });
    if (failure) return refuse(p, t, failure, source);
  }

  let events: HookEvent[];
  try {
    events = eventsOf(format, header, parseBody(format, header('content-type'), raw), cfg.deliveryIdHeader);
  } catch (err) {
    if (err instanceof InvalidDeliveryError)
      await record(p, [{ ...base, outcome: 'failed', statusCode: 400, deliveryId: null, runId: null, reason: err.code }]);
    throw err;
  }
  if (v.type === 'client-state') {
    const secrets = validSecrets(t);
    if (!events.every((e) => clientStateMatches(e.clientState, secrets))) return refuse(p, t, 'client_state_mismatch', source);
  }

  const tokenHeader = v.type === 'token' ? v.header : undefined;
  const headers = visibleHeaders(req.headers.entries(), tokenHeader);
  const queryView: Record<string, string> = {};
  for (const [k, val] of req.query) {
    if (v.type === 'token' && k === v.query) continue;
    if (k.includes('\u0000') || val.includes('\u0000'))
      throw new InvalidDeliveryError('malformed_body', 'The query string contains the character U+0000, which cannot be stored.');
    queryView[k] = val;
  }

  const results = await Promise.allSettled(
    events.map(async (e): Promise<{ event: HookEvent; run: Triggered | null }> => {
      const input = await inputFor(cfg, e, headers, queryView);
      if (!input) return { event: e, run: null };
      const run = await triggerRun(p, principal, t.row.workflowId, input, {
        idempotencyKey: e.deliveryId ? idempotencyKeyFor(t.row.id, e.deliveryId) : undefined,
        trigger: 'event',
        source: source ?? `hook:${t.row.id}`,
        delivery: { triggerId: t.row.id, deliveryId: e.deliveryId },
      });
      return { event: e, run };
    }),
  );
  const records: DeliveryRecord[] = [];
  const runs: Array<{ id: string; status: string; replayed: boolean }> = [];
  let filtered = 0;
  let firstError: unknown = null;
  results.forEach((r, i) => {
    const deliveryId = events[i]!.deliveryId;
    if (r.status === 'rejected') {
      firstError ??= r.reason;
      const code = r.reason instanceof DemitonError ? r.reason.code : 'internal_error';
      const reused = r.reason instanceof IdempotencyKeyReusedError;
      records.push({
        ...base,
        outcome: reused ? 'refused' : 'failed',
        statusCode: reused ? 409 : statusFor(r.reason),
        deliveryId,
        runId: null,
        reason: reused ? 'delivery_id_reused' : code,
      });
    } else if (!r.value.run) {
      filtered++;
      records.push({ ...base, outcome: 'filtered', statusCode: 204, deliveryId, runId: null, reason: null });
    } else {
      const run = r.value.run;
      runs.push({ id: run.id, status: run.status, replayed: run.replayed });
      // A started run's delivery was recorded by the statement that committed it (preflight.ts).
      if (run.replayed) records.push({ ...base, outcome: 'duplicate', statusCode: 202, deliveryId, runId: run.id, reason: null });
    }
  });
  countRecorded(p, runs.length - runs.filter((r) => r.replayed).length);
  if (records.length) await record(p, records);
  // Some events of a batch may have started runs: the sender's retry finds them by their ids.
  if (firstError) throw firstError;
  if (!runs.length) return { status: 204 };

  if (cfg.respond === 'sync' && runs.length === 1) {
    const done = await waitForRun(p, t.row.orgId, runs[0]!.id, cfg.syncTimeoutSeconds * 1000);
    if (done?.status === 'SUCCEEDED') return { status: 200, body: done.output ?? null, headers: { 'Demiton-Run-Id': runs[0]!.id } };
    if (done)
      return { status: 200, body: { id: runs[0]!.id, status: done.status, error: done.error }, headers: { 'Demiton-Run-Id': runs[0]!.id } };
  }
  const one = runs.length === 1 ? runs[0]! : null;
  return {
    status: 202,
    body: { ...(one ? { id: one.id, status: one.status } : {}), runs, filtered },
    headers: { ...(one ? { Location: `/api/runs/${one.id}` } : {}), ...(one?.replayed ? { 'Idempotent-Replayed': 'true' } : {}) },
  };
}

function statusFor(err: unknown): number {
  return toProblem(err).status;
}
