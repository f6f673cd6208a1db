/** Reading runs for the API: one run with its tasks, and keyset-paginated lists. */
import type { Principal } from '../domain/principal';
import type { RunStatus, RunView } from '../domain/api';
import { NotFoundError, ValidationError } from '../domain/errors';
import type { Platform } from '../platform';
import type { RunTrigger } from '../store/runs';
import { getRunWithTasks, listRuns as listRunRows, type RunRow } from '../store/run-views';
import { isHandled, resolveNeeds } from './task-graph';
import { runModelUsage } from '../store/model-usage';
import { listRunAttempts } from '../store/run-replay';
import { explainWaiting } from './why-waiting';

/** What this module uses of the platform (not the whole of it). */
export type RunsServiceDeps = Pick<Platform, 'connectors' | 'db' | 'queue'>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function summary(r: RunRow) {
  return {
    id: r.id,
    workflowId: r.workflowId,
    workflowName: r.workflowName,
    workflowVersion: r.workflowVersion,
    status: r.status,
    trigger: r.trigger,
    error: r.error,
    parentRunId: r.parentRunId,
    createdAt: r.createdAt.toISOString(),
    startedAt: iso(r.startedAt),
    attemptStartedAt: iso(r.attemptStartedAt),
    finishedAt: iso(r.finishedAt),
  };
}

/** One run with its tasks. */
export async function getRun(p: RunsServiceDeps, who: Principal, id: string): Promise<RunView> {
  const found = await getRunWithTasks(p.db, who.orgId, id);
  if (!found) throw new NotFoundError('run', id);
  const { run, tasks } = found;
  // Needs and trigger rules come from the run's workflow version, matched to the task rows by position.
  const defs = run.definitionTasks && run.definitionTasks.length === tasks.length ? run.definitionTasks : null;
  const needs = defs ? resolveNeeds(defs) : tasks.map((_, i) => (i === 0 ? [] : [tasks[i - 1]!.key]));
  const statusOf = (key: string) => tasks.find((t) => t.key === key)?.status;
  const [usage, retries, waiting] = await Promise.all([
    runModelUsage(p.db, who.orgId, id),
    listRunAttempts(p.db, who.orgId, id),
    run.status === 'PENDING' || run.status === 'RUNNING' ? explainWaiting(p, who, id) : null,
  ]);
  const total = { inputTokens: 0, outputTokens: 0, calls: 0 };
  for (const u of usage.values()) {
    total.inputTokens += u.inputTokens;
    total.outputTokens += u.outputTokens;
    total.calls += u.calls;
  }
  return {
    ...summary(run),
    input: run.input as RunView['input'],
    output: (run.output ?? null) as RunView['output'],
    ...(run.attempt !== undefined ? { attempt: run.attempt } : {}),
    onFailureOf: run.onFailureOf ?? null,
    tasks: tasks.map((t, i) => ({
      key: t.key,
      type: t.type,
      status: t.status,
      needs: needs[i]!,
      runAfter: defs?.[i]?.runAfter ?? 'success',
      onError: defs?.[i]?.onError ?? 'fail',
      ...(t.status === 'FAILED' && defs ? { handled: isHandled(defs, needs, i, statusOf) } : {}),
      attempts: t.attempts,
      output: (t.output ?? null) as RunView['output'],
      error: t.error,
      childRunId: t.childRunId,
      startedAt: iso(t.startedAt),
      finishedAt: iso(t.finishedAt),
      attemptLog: t.attemptLog ?? [],
      ...(usage.has(t.key) ? { modelUsage: usage.get(t.key)! } : {}),
      ...(t.type === 'chunked'
        ? {
            chunks: {
              total: Number(t.chunksTotal ?? 0),
              succeeded: Number(t.chunksSucceeded ?? 0),
              failed: Number(t.chunksFailed ?? 0),
              running: Number(t.chunksRunning ?? 0),
            },
          }
        : {}),
    })),
    modelUsage: total,
    retries: retries.map((r) => ({
      attempt: r.attempt,
      workflowVersion: r.workflowVersion,
      previousVersion: r.previousVersion,
      inputEdited: r.inputEdited,
      fromTask: r.fromTask,
      renewedTasks: [...r.renewedTasks],
      requestedBy: r.requestedBy,
      requestedAt: r.requestedAt.toISOString(),
      bulkActionId: r.bulkActionId ?? null,
    })),
    waiting,
  };
}

function encodeCursor(r: RunRow): string {
  return Buffer.from(`${r.createdMicros}:${r.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { micros: string; id: string } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^(\d{1,20}):([0-9a-f-]{36})$/.exec(text);
  if (!m)
    throw new ValidationError(
      'The cursor is not valid.',
      [{ path: 'cursor', message: 'not a cursor returned by this API' }],
      'invalid_cursor',
    );
  return { micros: m[1]!, id: m[2]! };
}

/** Runs, newest first; `nextCursor` continues the list. */
export async function listRuns(
  p: RunsServiceDeps,
  who: Principal,
  q: {
    workflowId?: string | undefined;
    status?: RunStatus | undefined;
    trigger?: RunTrigger | undefined;
    createdAfter?: string | undefined;
    createdBefore?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  const createdAfter = q.createdAfter ? new Date(q.createdAfter) : undefined;
  const createdBefore = q.createdBefore ? new Date(q.createdBefore) : undefined;
  if (createdAfter && createdBefore && createdAfter > createdBefore) {
    throw new ValidationError(
      'createdAfter is later than createdBefore: no run can match.',
      [{ path: 'createdAfter', message: `is later than createdBefore (${q.createdBefore})` }],
      'invalid_time_range',
    );
  }
  const rows = await listRunRows(p.db, who.orgId, {
    workflowId: q.workflowId,
    status: q.status,
    trigger: q.trigger,
    createdAfter,
    createdBefore,
    limit: q.limit,
    before: q.cursor ? decodeCursor(q.cursor) : undefined,
  });
  const page = rows.slice(0, q.limit);
  return { items: page.map(summary), nextCursor: rows.length > q.limit ? encodeCursor(page.at(-1)!) : null };
}
