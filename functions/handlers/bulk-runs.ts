/** Bulk run actions: preview and start a bulk retry, and read its progress. */
import { ValidationError } from '../../shared/domain/errors';
import { IdParams } from '../../shared/domain/api';
import { BulkRetryBody, BulkRetryPreview, BulkRunAction } from '../../shared/domain/run-actions-api';
import { getBulkRetry, previewBulkRetry, startBulkRetry } from '../../shared/engine/bulk-retry';
import { defineRoute } from '../http-kit';

export const bulkRetryRuns = defineRoute({
  name: 'bulkRetryRuns',
  method: 'POST',
  route: 'runs/retry',
  summary: 'Bulk retry: preview how many FAILED or CANCELLED runs a filter selects, then rerun them all as one audited action',
  tags: ['runs'],
  role: 'operator',
  body: BulkRetryBody,
  responses: {
    200: { description: 'The preview (`preview: true`): nothing changed', schema: BulkRetryPreview },
    202: {
      description: 'The action started; its progress is at Location',
      schema: BulkRunAction,
      headers: { Location: 'URL of the action' },
    },
  },
  async handle({ platform, principal, body }) {
    const req = { filter: body.filter, options: body.options };
    if (body.preview) return { status: 200, body: await previewBulkRetry(platform, principal, req) };
    if (body.expectedCount === undefined)
      throw new ValidationError(
        'Preview first: starting a bulk retry needs the count the preview answered.',
        [{ path: 'expectedCount', message: 'required unless preview is true' }],
        'bulk_preview_required',
      );
    const action = await startBulkRetry(platform, principal, { ...req, expectedCount: body.expectedCount });
    return { status: 202, body: action, headers: { Location: `/api/runs/retry/${action.id}` } };
  },
});

export const getBulkRetryRuns = defineRoute({
  name: 'getBulkRetryRuns',
  method: 'GET',
  route: 'runs/retry/{id}',
  summary: 'Read a bulk retry and its progress',
  tags: ['runs'],
  role: 'viewer',
  params: IdParams,
  responses: { 200: { description: 'The action', schema: BulkRunAction } },
  async handle({ platform, principal, params }) {
    return { status: 200, body: await getBulkRetry(platform, principal, params.id) };
  },
});
