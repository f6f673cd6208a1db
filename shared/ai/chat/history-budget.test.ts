import { describe, expect, it } from 'vitest';
import type { ChatTurn } from '../llm/chat-model';
import { alternateTurns, fitHistory } from './history-budget';

const turns = (n: number, size: number): ChatTurn[] =>
  Array.from({ length: n }, (_, i) => ({
    role: i % 2 ? 'assistant' : 'user',
    content: `${i % 2 ? 'answer' : 'question'} ${i} ${'x'.repeat(size)}`,
  }));

describe('fitHistory', () => {
  it('keeps everything that fits', () => {
    const h = turns(4, 10);
    expect(fitHistory(h, 1000)).toEqual({ turns: h, summary: null, dropped: 0 });
  });

  it('keeps the newest turns, starting with a user turn, and summarises the rest', () => {
    const h = turns(20, 400); // ~100 tokens each
    const f = fitHistory(h, 550);
    expect(f.turns.length).toBeLessThan(20);
    expect(f.turns[0]!.role).toBe('user');
    expect(f.turns.at(-1)).toEqual(h.at(-1));
    expect(f.dropped).toBe(20 - f.turns.length);
    expect(f.summary).toMatch(/earlier message\(s\) are not shown/);
    expect(f.summary).toContain('the user asked: question');
  });

  it('drops a single turn larger than the budget', () => {
    const f = fitHistory([{ role: 'user', content: 'y'.repeat(10_000) }], 100);
    expect(f.turns).toEqual([]);
    expect(f.dropped).toBe(1);
  });
});

describe('alternateTurns', () => {
  it('joins consecutive turns of one role', () => {
    expect(
      alternateTurns([
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
        { role: 'assistant', content: 'c' },
        { role: 'user', content: 'd' },
      ]),
    ).toEqual([
      { role: 'user', content: 'a\n\nb' },
      { role: 'assistant', content: 'c' },
      { role: 'user', content: 'd' },
    ]);
  });
});
