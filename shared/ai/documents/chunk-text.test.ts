import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkText } from './chunk-text';

describe('chunkText', () => {
  it('keeps short text whole', () => {
    expect(chunkText('One short paragraph.')).toEqual(['One short paragraph.']);
  });

  it('prefers paragraph boundaries and overlaps neighbours', () => {
    const para = (n: number) => `Paragraph ${n} ` + 'word '.repeat(60).trim() + '.';
    const text = [1, 2, 3, 4, 5].map(para).join('\n\n');
    const chunks = chunkText(text, { maxChars: 700, overlapChars: 100 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(700);
    expect(chunks[0]!.endsWith('.')).toBe(true);
  });

  it('covers every word of any text, each chunk within the limit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z]{1,30}$/), { minLength: 1, maxLength: 400 }),
        fc.constantFrom(' ', '\n', '. ', '\n\n'),
        (ws, sep) => {
          const text = ws.join(sep);
          const chunks = chunkText(text, { maxChars: 200, overlapChars: 40 });
          for (const c of chunks) expect(c.length).toBeLessThanOrEqual(200);
          const joined = chunks.join(' ');
          for (const w of ws) expect(joined).toContain(w);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects an overlap as large as the chunk', () => {
    expect(() => chunkText('x', { maxChars: 10, overlapChars: 10 })).toThrow(RangeError);
  });
});
