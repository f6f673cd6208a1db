import { describe, expect, it } from 'vitest';
import { problemError, unreachable } from './client';
import { EXIT } from './exit-codes';

describe('HTTP failures as exit codes', () => {
  it('maps 404 to not found, other 4xx (422, 409 version_conflict, 401, 403) to refused, 5xx to unavailable', () => {
    const p = (code: string) => ({ type: 'about:blank', title: 't', status: 0, code, detail: `detail of ${code}` });
    expect(problemError(404, p('workflow_not_found'), 'x')).toMatchObject({ exitCode: EXIT.notFound, code: 'workflow_not_found' });
    const conflict = problemError(409, p('version_conflict'), 'Publishing hello');
    expect(conflict).toMatchObject({ exitCode: EXIT.refused, code: 'version_conflict', message: 'detail of version_conflict' });
    for (const s of [400, 401, 403, 422, 429]) expect(problemError(s, p('c'), 'x').exitCode).toBe(EXIT.refused);
    expect(problemError(503, p('database_unavailable'), 'x').exitCode).toBe(EXIT.unavailable);
  });

  it('keeps the field issues of a 422 and names the status when the body is not problem+json', () => {
    const e = problemError(
      422,
      { code: 'invalid_definition', title: 'Invalid', errors: [{ path: 'tasks[0].connector', message: 'unknown connector' }] },
      'x',
    );
    expect(e.details).toEqual([{ path: 'tasks[0].connector', message: 'unknown connector' }]);
    expect(problemError(502, 'Bad Gateway', 'Listing runs')).toMatchObject({
      code: 'http_502',
      message: 'Listing runs failed with HTTP 502',
    });
  });

  it('names the network cause of an unreachable server', () => {
    const err = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    expect(unreachable(err)).toMatchObject({
      exitCode: EXIT.unavailable,
      code: 'unreachable',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });
});
