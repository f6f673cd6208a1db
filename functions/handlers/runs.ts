/** Run routes: trigger (pre-flight commit + enqueue), read one, list, cancel, rerun from failure. */
import { IdParams, ListRunsQuery, RunAccepted, RunList, RunView, TriggerRunBody } from '../../shared/domain/api';
import { ValidationError } from '../../shared/domain/errors';
import { CancelRunResult, RetryRunBody, RetryRunResult } from '../../shared/domain/run-actions-api';
import { cancelRun as cancel } from '../../shared/engine/cancel-run';
import { triggerRun as trigger } from '../../shared/engine/preflight';
import { rerunRun as rerun } from '../../shared/engine/rerun';
import * as runs from '../../shared/engine/runs-service';
import { defineRoute } from '../http-kit';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export const triggerRun = defineRoute({
  name: 'triggerRun',
  workflowScope: { param: 'id', via: 'workflow' }, // API keys limited to some workflows may call this
  method: 'POST',
  route: 'workflows/{id}/runs',
  summary: 'Trigger a run: commits the run and all task rows, then enqueues it',
  tags: ['runs'],
  role: 'operator',
  params: IdParams,
  body: TriggerRunBody,
  optionalBody: true,
  headers: [
    { name: 'Idempotency-Key', description: 'The same key for the same workflow returns the first run instead of starting another.' },
  ],
  responses: {
    202: { description: 'Accepted: the run is committed and queued', schema: RunAccepted, headers: { Location: 'URL of the run' } },
  },
  async handle({ platform, principal, params, body, request }) {
    const key = request.headers.get('idempotency-key') ?? undefined;
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new ValidationError(
        'The Idempotency-Key header is invalid.',
        [{ path: 'Idempotency-Key', message: 'must be 1-255 visible ASCII characters' }],
        'invalid_idempotency_key',
      );
    }
    const run = await trigger(platform, principal, params.id, body.input, {
      idempotencyKey: key,
      source: request.headers.get('x-forwarded-for') ?? undefined,
    });
    const headers: Record<string, string> = { Location: `/api/runs/${run.id}` };
    if (run.replayed) headers['Idempotent-Replayed'] = 'true';
    return { status: 202, body: { id: run.id, status: run.status }, headers };
  },
});

export const getRun = defineRoute({
  name: 'getRun',
  workflowScope: { param: 'id', via: 'run' }, // API keys limited to some workflows may call this
  method: 'GET',
  route: 'runs/{id}',
  summary: 'Read a run with its tasks',
  tags: ['runs'],
  role: 'viewer',
  params: IdParams,
  responses: { 200: { description: 'The run', schema: RunView } },
  async handle({ platform, principal, params }) {
    return { status: 200, body: await runs.getRun(platform, principal, params.id) };
  },
});

export const listRuns = defineRoute({
  name: 'listRuns',
  method: 'GET',
  route: 'runs',
  summary: 'List runs, newest first (keyset pagination)',
  tags: ['runs'],
  role: 'viewer',
  query: ListRunsQuery,
  responses: { 200: { description: 'A page of runs', schema: RunList } },
  async handle({ platform, principal, query }) {
    return { status: 200, body: await runs.listRuns(platform, principal, query) };
  },
});

export const cancelRun = defineRoute({
  name: 'cancelRun',
  workflowScope: { param: 'id', via: 'run' }, // API keys limited to some workflows may call this
  method: 'POST',
  route: 'runs/{id}/cancel',
  summary: 'Cancel a run: it and its unfinished child and chunk runs become CANCELLED; running tasks are aborted',
  tags: ['runs'],
  role: 'operator',
  params: IdParams,
  responses: { 200: { description: 'Cancelled (or already cancelled)', schema: CancelRunResult } },
  async handle({ platform, principal, params }) {
    return { status: 200, body: await cancel(platform, principal, params.id) };
  },
});

export const retryRun = defineRoute({
  name: 'retryRun',
  workflowScope: { param: 'id', via: 'run' }, // API keys limited to some workflows may call this
  method: 'POST',
  route: 'runs/{id}/retry',
  summary:
    'Rerun a FAILED or CANCELLED run as a new attempt of the same run: from its first unfinished task, or with the latest version, an edited input, from a chosen task',
  tags: ['runs'],
  role: 'operator',
  params: IdParams,
  body: RetryRunBody,
  optionalBody: true,
  responses: { 202: { description: 'The next attempt is queued', schema: RetryRunResult, headers: { Location: 'URL of the run' } } },
  async handle({ platform, principal, params, body }) {
    const r = await rerun(platform, principal, params.id, body);
    return { status: 202, body: r, headers: { Location: `/api/runs/${r.id}` } };
  },
});
