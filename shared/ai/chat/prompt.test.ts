import { describe, expect, it } from 'vitest';
import type { Snippet } from '../context/context-provider';
import { buildSystemPrompt, citedMarkers, NO_SUGGESTION_RULE, PROMPT_RULES, selectSnippets, SUGGESTION_RULE } from './prompt';

const snip = (id: string, score: number, size = 40): Snippet => ({
  source: { type: 'document', id, label: `Doc "${id}"` },
  text: `${id} `.repeat(size / 4),
  score,
});

describe('prompt', () => {
  it('selects the highest-scored snippets that fit', () => {
    const s = selectSnippets([snip('a', 0.2), snip('b', 0.9), snip('c', 0.5, 4000)], 100);
    expect(s.map((x) => x.source.id)).toEqual(['b', 'a']);
  });

  it('numbers sources, fences them and states the rules', () => {
    const p = buildSystemPrompt([snip('a', 1), snip('b', 1)], {
      maySuggest: false,
      historySummary: 'earlier',
      now: new Date('2026-01-01T00:00:00Z'),
    });
    for (const r of PROMPT_RULES) expect(p).toContain(r);
    expect(p).toContain(NO_SUGGESTION_RULE);
    expect(p).not.toContain(SUGGESTION_RULE);
    expect(p).toContain('<source n="1" type="document" label="Doc \'a\'">');
    expect(p).toContain('<source n="2"');
    expect(p).toContain('Earlier in this conversation (summarised):\nearlier');
  });

  it('reads citation markers in order of first use, ignoring unknown numbers', () => {
    expect(citedMarkers('A [2] b [1][2] c [7] d [0]', 3)).toEqual([2, 1]);
    expect(citedMarkers('no markers', 3)).toEqual([]);
  });
});
