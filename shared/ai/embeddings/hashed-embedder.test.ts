import { describe, expect, it } from 'vitest';
import { createHashedEmbedder, hashedVector } from './hashed-embedder';

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('hashed n-gram embedding', () => {
  it('is deterministic, unit length and of the requested size', async () => {
    const e = createHashedEmbedder(128);
    const [a, b] = await e.embed(['Refunds within 30 days', 'Refunds within 30 days']);
    expect(a).toEqual(b);
    expect(a!.length).toBe(128);
    expect(dot(a!, a!)).toBeCloseTo(1, 6);
    expect(e.id).toBe('local-hashed-ngram-128');
  });

  it('scores shared vocabulary above unrelated text', () => {
    const q = hashedVector('how do I request a refund', 256);
    const near = hashedVector('Customers may request a refund within 30 days.', 256);
    const far = hashedVector('Parcels ship from Rotterdam every weekday.', 256);
    expect(dot(q, near)).toBeGreaterThan(dot(q, far));
  });

  it('returns a zero vector for text without words', () => {
    expect(hashedVector('—!?', 16).every((x) => x === 0)).toBe(true);
  });
});
