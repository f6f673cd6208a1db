/** Turns texts into vectors. Every vector an embedder returns is L2-normalised. */
export interface Embedder {
  /** Names the model and its dimensions; stored with each chunk so searches compare like with like. */
  readonly id: string;
  readonly dimensions: number;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]>;
}

/** Scales a vector to unit length (a zero vector stays zero). */
export function normalise(v: number[]): number[] {
  let sum = 0;
  for (const x of v) sum += x * x;
  const n = Math.sqrt(sum);
  return n === 0 ? v : v.map((x) => x / n);
}
