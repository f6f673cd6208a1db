/**
 * The server's problem+json in words for people: one place maps stable codes to sentences and
 * API field paths (`settings.auth.type`, `createdAfter`) to labels, so no page shows a raw field
 * name or "HTTP 422, code …". The code stays available to pages that act on it.
 */
import { ApiError, type FieldIssue } from '../services/api';

/** Sentences for codes whose server detail names API fields or is too terse for a newcomer. */
const CODE_TEXT: Record<string, string> = {
  network_error: 'The control plane could not be reached. Check that it is running, then try again.',
  unauthenticated: 'You are not signed in, or your sign-in has expired. Sign in again.',
  validation_failed: 'Some values are not valid.',
  malformed_json: 'The request was not valid JSON.',
  body_too_large: 'What you sent is too large.',
  invalid_time_range: 'The start of the time window is later than its end.',
  invalid_query: 'The filter is not valid.',
  invalid_cursor: 'The page position is no longer valid. Go back to the first page.',
  invalid_connector: 'The connector is not valid.',
  invalid_workflow: 'The workflow definition is not valid.',
  run_not_found: 'No run has this id: it may belong to another organisation, or the address is mistyped.',
  workflow_not_found: 'No workflow has this id: it may have been deleted, or the address is mistyped.',
  invalid_path_parameter: 'A value is not valid.',
  model_not_configured: 'No model is configured for the assistant.',
};

/** Field labels where splitting the camel-case name is not enough. */
const FIELD_LABEL: Record<string, string> = {
  createdAfter: 'From',
  createdBefore: 'Until',
  cron: 'Cron expression',
  timezone: 'Time zone',
  catchUp: 'Missed fire times',
  baseUrl: 'Base URL',
  tenantId: 'Tenant id',
  companyId: 'Company id',
  tokenUrl: 'Token URL',
  apiKey: 'API key',
  clientId: 'Client id',
  clientSecret: 'Client secret',
  connectTimeoutMs: 'Connect timeout (ms)',
  statementTimeoutMs: 'Statement timeout (ms)',
  ssl: 'TLS (SSL)',
  keyField: 'Key field',
  expiresAt: 'Expires',
  apiKeyMaxLifetimeDays: 'Maximum key lifetime (days)',
  runRetentionDays: 'Keep finished runs (days)',
  groupId: 'Group object id',
};

/** A key or camel-case name in words: `statementTimeoutMs` → "Statement timeout (ms)". */
export function labelOf(key: string): string {
  if (FIELD_LABEL[key]) return FIELD_LABEL[key];
  const words = key
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** An API path in words: `settings.auth.type` → "Auth › Type", `tasks[1].key` → "Tasks › 2 › Key". */
export function fieldOf(path: string): string {
  const parts = path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((p) => p && p !== 'settings' && p !== 'secrets' && p !== 'body' && p !== 'query');
  if (!parts.length) return '';
  return parts.map((p) => (/^\d+$/.test(p) ? String(Number(p) + 1) : labelOf(p))).join(' › ');
}

/** What a person reads for a failed request: a sentence, and each field problem in words. */
export function problemText(error: unknown): { message: string; issues: Array<{ field: string; message: string }> } {
  if (!(error instanceof ApiError)) return { message: error instanceof Error ? error.message : String(error), issues: [] };
  const notFound =
    error.status === 404 && !CODE_TEXT[error.code] ? 'Not found: it may have been deleted, or the address is mistyped.' : undefined;
  return {
    message: CODE_TEXT[error.code] ?? notFound ?? error.message,
    issues: error.issues.map((i: FieldIssue) => ({ field: fieldOf(i.path), message: i.message })),
  };
}
