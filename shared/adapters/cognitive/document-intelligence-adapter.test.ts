import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../platform/http-client';
import { flattenFields } from './document-intelligence-adapter';
import { parseJsonAnswer } from './model-adapter';

describe('Document Intelligence result flattening', () => {
  it('takes each field’s typed value, recursing into arrays and objects', () => {
    expect(
      flattenFields({
        InvoiceTotal: { type: 'currency', valueCurrency: { amount: 45, currencyCode: 'EUR' }, content: '45.00 EUR', confidence: 0.9 },
        InvoiceDate: { type: 'date', valueDate: '2026-11-30', confidence: 0.8 },
        Untyped: { content: 'raw text' },
        Items: {
          type: 'array',
          valueArray: [
            { type: 'object', valueObject: { Qty: { type: 'number', valueNumber: 2, confidence: 0.7 } } },
            { type: 'string', valueString: 'x' },
          ],
        },
      }),
    ).toEqual({
      InvoiceTotal: { value: { amount: 45, currencyCode: 'EUR' }, confidence: 0.9 },
      InvoiceDate: { value: '2026-11-30', confidence: 0.8 },
      Untyped: { value: 'raw text', confidence: null },
      Items: { value: [{ Qty: { value: 2, confidence: 0.7 } }, 'x'], confidence: null },
    });
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates; ignores what it cannot read', () => {
    expect(retryAfterMs('7')).toBe(7000);
    const now = Date.parse('2026-12-03T10:00:00Z');
    expect(retryAfterMs('Thu, 03 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Thu, 03 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs(undefined)).toBeNull();
  });
});

describe('model JSON answers', () => {
  it('accepts JSON with or without a Markdown fence, and says why otherwise', () => {
    expect(parseJsonAnswer('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonAnswer('```json\n{"a":1}\n```')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonAnswer('Sure! {"a":1}')).toMatchObject({ ok: false, error: expect.stringContaining('not JSON') });
  });
});
