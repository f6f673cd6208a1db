/** Problems in words: codes to sentences, API field paths to labels, 404 as not found. */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../services/api';
import { fieldOf, labelOf, problemText } from './problem-text';

describe('problem text', () => {
  it('labels API names in words', () => {
    expect(labelOf('statementTimeoutMs')).toBe('Statement timeout (ms)');
    expect(labelOf('companyId')).toBe('Company id');
    expect(labelOf('display_name')).toBe('Display name');
    expect(fieldOf('settings.auth.type')).toBe('Auth › Type');
    expect(fieldOf('tasks[1].key')).toBe('Tasks › 2 › Key');
    expect(fieldOf('createdAfter')).toBe('From');
  });

  it('maps known codes to sentences, keeps other server sentences, and calls a 404 not found', () => {
    expect(problemText(new ApiError(400, 'invalid_time_range', 'createdAfter is later than createdBefore')).message).toBe(
      'The start of the time window is later than its end.',
    );
    expect(problemText(new ApiError(409, 'worker_paused', 'Order desk is paused.')).message).toBe('Order desk is paused.');
    expect(problemText(new ApiError(404, 'connector_not_found', "connector 'x' was not found.")).message).toMatch(/^Not found/);
    const t = problemText(new ApiError(422, 'validation_failed', 'Invalid.', [{ path: 'settings.baseUrl', message: 'must be a URL' }]));
    expect(t).toEqual({ message: 'Some values are not valid.', issues: [{ field: 'Base URL', message: 'must be a URL' }] });
  });
});
