/**
 * Percentiles of a latency sample (nearest-rank), rounded to 0.01 ms so JSON lines stay short.
 */

/** The p-th percentile (0 < p ≤ 100) of `values` by nearest rank; null for an empty sample. */
export function percentile(values, p) {
  if (!values.length) return null;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return round(sorted[rank - 1]);
}

/** p50/p95/p99/max of a sample, in its own unit. */
export function summarize(values) {
  return {
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: percentile(values, 100),
  };
}

/** Rounds to two decimals. */
export function round(v, digits = 2) {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
