/** Trigger operations behind the HTTP handlers: create, list, read, replace (and rotate), delete, deliveries. */
import { randomBytes } from 'node:crypto';
import type { Principal } from '../domain/principal';
import { isUniqueViolation } from '../db/db';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../domain/errors';
import { checkSyntax, expressionsIn } from '../domain/expressions';
import type { TriggerBody, TriggerView } from '../domain/triggers-api';
import type { Platform } from '../platform';
import { appendAudit } from '../store/audit';
import * as store from '../store/triggers';
import { getWorkflow } from '../store/workflows';
import { forgetTrigger, openSecrets, secretScope, type TriggerSecrets } from './trigger-cache';

/** What this module uses of the platform (not the whole of it). */
export type TriggersServiceDeps = Pick<Platform, 'config' | 'db' | 'secretBox'>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A new trigger id: 144 random bits (base64url), so a webhook's address cannot be guessed. */
export function newTriggerId(): string {
  return `trg_${randomBytes(18).toString('base64url')}`;
}

/** The address senders deliver to, under the base URL the API was called on. */
export function hookUrl(baseUrl: string, id: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/hooks/${id}`;
}

/** The trigger as the API shows it: its settings without secrets, whether one is set, its failed verifications. */
export function toView(r: store.TriggerRow, baseUrl: string): TriggerView {
  return {
    ...(r.config as Partial<TriggerView>),
    id: r.id,
    workflowId: r.workflowId,
    type: r.type,
    name: r.name,
    enabled: r.enabled,
    url: r.type === 'webhook' ? hookUrl(baseUrl, r.id) : null,
    secretSet: r.sealedSecrets !== null,
    previousSecretValidUntil:
      r.previousValidUntil && r.previousValidUntil.getTime() > Date.now() ? r.previousValidUntil.toISOString() : null,
    failedVerifications: Number(r.failedVerifications),
    lastFailedVerificationAt: iso(r.lastFailedAt),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

const NEEDS_SECRET = new Set(['hmac', 'stripe-style', 'token', 'client-state']);

/** The new secret a body carries, if any. */
function secretOf(body: TriggerBody): string | undefined {
  return body.type === 'webhook' ? ('secret' in body.verification ? body.verification.secret : undefined) : body.connectionString;
}

function needsSecret(body: TriggerBody): boolean {
  return body.type === 'service-bus' || NEEDS_SECRET.has(body.verification.type);
}

/** The settings stored in clear: the body without its secret and without the rotation overlap. */
function configOf(body: TriggerBody): Record<string, unknown> {
  const { name: _n, enabled: _e, type: _t, secretOverlapSeconds: _o, ...rest } = body;
  if (rest && 'verification' in rest) {
    const { secret: _s, ...verification } = rest.verification as { secret?: string };
    return { ...rest, verification };
  }
  const { connectionString: _c, ...sb } = rest as { connectionString?: string };
  return sb;
}

function checkExpressions(value: unknown, path: string, issues: FieldIssue[]): void {
  for (const { path: at, expr } of expressionsIn(value, path)) {
    const issue = checkSyntax(expr, at);
    if (issue) issues.push(issue);
  }
}

/** Checks what the schema cannot: combinations, limits, expression syntax. */
function check(p: TriggersServiceDeps, body: TriggerBody, existing: store.TriggerRow | null): void {
  const issues: FieldIssue[] = [];
  if (existing && existing.type !== body.type)
    issues.push({ path: 'type', message: `is '${existing.type}' and cannot change; create another trigger` });
  if (needsSecret(body) && !secretOf(body) && !existing?.sealedSecrets) {
    issues.push({ path: body.type === 'webhook' ? 'verification.secret' : 'connectionString', message: 'is required' });
  }
  if (body.type === 'webhook') {
    const v = body.verification;
    if (v.type === 'token' && !!v.header === !!v.query)
      issues.push({ path: 'verification', message: "set either 'header' or 'query' for a token" });
    const notifications = body.format === 'graph' || body.format === 'business-central';
    if (v.type === 'client-state' && !notifications)
      issues.push({ path: 'verification.type', message: "'client-state' is for the 'graph' and 'business-central' formats" });
    if (notifications && (v.type === 'hmac' || v.type === 'stripe-style'))
      issues.push({
        path: 'verification.type',
        message: `${body.format} notifications are not signed; use 'client-state' or a 'token' in the query`,
      });
    if (body.maxBodyBytes !== undefined && body.maxBodyBytes > p.config.http.maxBodyBytes) {
      issues.push({ path: 'maxBodyBytes', message: `must be at most the host's MAX_BODY_BYTES (${p.config.http.maxBodyBytes})` });
    }
    if (body.format !== 'json' && body.deliveryIdHeader)
      issues.push({ path: 'deliveryIdHeader', message: `is for the 'json' format; ${body.format} events carry their own id` });
  } else if (body.queue ? !!body.topic || !!body.subscription : !body.topic || !body.subscription) {
    issues.push({ path: 'queue', message: "set either 'queue', or 'topic' and 'subscription'" });
  }
  if (body.input !== undefined) checkExpressions(body.input, 'input', issues);
  if (body.filter !== undefined) {
    const issue = checkSyntax(unwrapExpression(body.filter), 'filter');
    if (issue) issues.push(issue);
  }
  if (issues.length) throw new ValidationError('The trigger is invalid.', issues, 'invalid_trigger');
}

/** A filter may be written bare (`body.action = "opened"`) or as `{{ … }}`. */
export function unwrapExpression(expr: string): string {
  const m = /^\s*\{\{([\s\S]*)\}\}\s*$/.exec(expr);
  return (m ? m[1]! : expr).trim();
}

/** Seals the secrets a trigger keeps after this change: a new secret moves the current one to `previous` for the overlap. */
async function sealFor(
  p: TriggersServiceDeps,
  who: Principal,
  id: string,
  body: TriggerBody,
  existing: store.TriggerRow | null,
): Promise<Pick<store.TriggerFields, 'sealedSecrets' | 'previousValidUntil'>> {
  if (!needsSecret(body)) return { sealedSecrets: null, previousValidUntil: null };
  const given = secretOf(body);
  if (!given) return { sealedSecrets: existing!.sealedSecrets, previousValidUntil: existing!.previousValidUntil };
  const old: TriggerSecrets = existing?.sealedSecrets ? await openSecrets(p, existing) : {};
  const overlapMs = body.secretOverlapSeconds * 1000;
  const secrets: TriggerSecrets = { current: given };
  let previousValidUntil: Date | null = null;
  if (old.current && old.current !== given && overlapMs > 0) {
    secrets.previous = old.current;
    previousValidUntil = new Date(Date.now() + overlapMs);
  }
  return { sealedSecrets: await p.secretBox.seal(who.orgId, secretScope(id), secrets as Record<string, unknown>), previousValidUntil };
}

async function requireWorkflow(p: TriggersServiceDeps, who: Principal, workflowId: string): Promise<void> {
  if (!(await getWorkflow(p.db, who.orgId, workflowId))) throw new NotFoundError('workflow', workflowId);
}

const nameTaken = (name: string) => new ConflictError('trigger_name_taken', `The workflow already has a trigger named '${name}'.`);

/** Creates a trigger of a workflow. */
export async function createTrigger(
  p: TriggersServiceDeps,
  who: Principal,
  workflowId: string,
  body: TriggerBody,
  baseUrl: string,
): Promise<TriggerView> {
  await requireWorkflow(p, who, workflowId);
  check(p, body, null);
  const id = newTriggerId();
  const name = body.name ?? `${body.type}-${randomBytes(3).toString('hex')}`;
  const sealed = await sealFor(p, who, id, body, null);
  try {
    const row = await p.db.tx(async (q) => {
      const r = await store.insertTrigger(q, {
        id,
        orgId: who.orgId,
        workflowId,
        type: body.type,
        name,
        enabled: body.enabled,
        config: configOf(body),
        ...sealed,
        createdBy: who.actor.id,
      });
      await appendAudit(q, {
        orgId: who.orgId,
        actor: who.actor,
        source: who.source ?? null,
        action: 'trigger.create',
        targetType: 'trigger',
        targetId: id,
        diff: { after: { type: body.type, name, ...configOf(body) } },
      });
      return r;
    });
    return toView(row, baseUrl);
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(name);
    throw err;
  }
}

/** Replaces a trigger. A body with a secret rotates it: the previous one stays valid for `secretOverlapSeconds`. */
export async function replaceTrigger(
  p: TriggersServiceDeps,
  who: Principal,
  workflowId: string,
  id: string,
  body: TriggerBody,
  baseUrl: string,
): Promise<TriggerView> {
  const existing = await store.getTrigger(p.db, who.orgId, workflowId, id);
  if (!existing) throw new NotFoundError('trigger', id);
  check(p, body, existing);
  const name = body.name ?? existing.name;
  const sealed = await sealFor(p, who, id, body, existing);
  try {
    const row = await p.db.tx(async (q) => {
      const r = await store.updateTrigger(q, who.orgId, workflowId, id, { name, enabled: body.enabled, config: configOf(body), ...sealed });
      if (!r) throw new NotFoundError('trigger', id);
      const rotated = secretOf(body) !== undefined;
      await appendAudit(q, {
        orgId: who.orgId,
        actor: who.actor,
        source: who.source ?? null,
        action: rotated ? 'trigger.update.rotate_secret' : 'trigger.update',
        targetType: 'trigger',
        targetId: id,
        diff: { after: { name, ...configOf(body) } },
      });
      return r;
    });
    forgetTrigger(id);
    return toView(row, baseUrl);
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(name);
    throw err;
  }
}

/** One trigger. */
export async function getTrigger(
  p: TriggersServiceDeps,
  who: Principal,
  workflowId: string,
  id: string,
  baseUrl: string,
): Promise<TriggerView> {
  const r = await store.getTrigger(p.db, who.orgId, workflowId, id);
  if (!r) throw new NotFoundError('trigger', id);
  return toView(r, baseUrl);
}

/** The triggers of a workflow. */
export async function listTriggers(
  p: TriggersServiceDeps,
  who: Principal,
  workflowId: string,
  baseUrl: string,
): Promise<{ items: TriggerView[] }> {
  await requireWorkflow(p, who, workflowId);
  return { items: (await store.listTriggers(p.db, who.orgId, workflowId)).map((r) => toView(r, baseUrl)) };
}

/** Deletes a trigger: its URL answers 404 from now on (its Service Bus receiver stops); runs it started stay. */
export async function deleteTrigger(p: TriggersServiceDeps, who: Principal, workflowId: string, id: string): Promise<void> {
  await p.db.tx(async (q) => {
    if (!(await store.deleteTrigger(q, who.orgId, workflowId, id))) throw new NotFoundError('trigger', id);
    await appendAudit(q, {
      orgId: who.orgId,
      actor: who.actor,
      source: who.source ?? null,
      action: 'trigger.delete',
      targetType: 'trigger',
      targetId: id,
    });
  });
  forgetTrigger(id);
}

/** The latest deliveries of a trigger with their outcome and the run each started. */
export async function listDeliveries(p: TriggersServiceDeps, who: Principal, workflowId: string, id: string, limit: number) {
  const r = await store.getTrigger(p.db, who.orgId, workflowId, id);
  if (!r) throw new NotFoundError('trigger', id);
  const rows = await store.listDeliveries(p.db, who.orgId, id, limit);
  return {
    items: rows.map((d) => ({
      receivedAt: d.receivedAt.toISOString(),
      outcome: d.outcome,
      status: d.statusCode,
      deliveryId: d.deliveryId,
      runId: d.runId,
      reason: d.reason,
    })),
  };
}
