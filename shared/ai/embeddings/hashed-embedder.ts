/**
 * The local embedding: hashed character n-grams and words ("feature hashing"). It needs no model
 * download and no network, so retrieval works on a fresh machine with nothing configured. It
 * captures shared vocabulary, not meaning; deployments configure a real embedding model.
 */
import { createHash } from 'node:crypto';
import { normalise, type Embedder } from './embedder';

function bucket(feature: string, dims: number): { index: number; sign: number } {
  const h = createHash('md5').update(feature).digest();
  // The sign bit spreads collisions around zero instead of letting them pile up.
  return { index: h.readUInt32LE(0) % dims, sign: h[4]! & 1 ? 1 : -1 };
}

/** Embeds one text into `dims` hashed features: words (weight 2) and character trigrams of words. */
export function hashedVector(text: string, dims: number): number[] {
  const v = new Array<number>(dims).fill(0);
  const words =
    text
      .toLowerCase()
      .normalize('NFKC')
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const w of words) {
    const b = bucket(`w:${w}`, dims);
    v[b.index]! += 2 * b.sign;
    const padded = `^${w}$`;
    for (let i = 0; i + 3 <= padded.length; i++) {
      const g = bucket(`g:${padded.slice(i, i + 3)}`, dims);
      v[g.index]! += g.sign;
    }
  }
  return normalise(v);
}

/** The local hashed n-gram embedder. */
export function createHashedEmbedder(dimensions: number): Embedder {
  return {
    id: `local-hashed-ngram-${dimensions}`,
    dimensions,
    async embed(texts) {
      return texts.map((t) => hashedVector(t, dimensions));
    },
  };
}
