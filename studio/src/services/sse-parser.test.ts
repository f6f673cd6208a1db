import { describe, expect, it } from 'vitest';
import { createSseParser } from './sse-parser';

describe('createSseParser', () => {
  it('returns whole events only, across arbitrary chunk boundaries, and skips comments', () => {
    const parse = createSseParser();
    const text = 'retry: 1000\nid: 1\nevent: snapshot\ndata: {"a":1}\n\n: keep-alive\n\nid: 2\nevent: task\ndata: {"b":\n\n';
    const got = [...text].flatMap((ch) => parse(ch));
    expect(got).toEqual([
      { event: 'snapshot', data: '{"a":1}', id: '1', retry: 1000 },
      { event: 'task', data: '{"b":', id: '2' },
    ]);
  });
  it('joins multi-line data and accepts CRLF', () => {
    const parse = createSseParser();
    expect(parse('data: one\r\ndata: two\r\n\r\n')).toEqual([{ event: 'message', data: 'one\ntwo' }]);
  });
});
