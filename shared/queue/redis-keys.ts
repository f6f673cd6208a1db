/**
 * Where every Redis key of one deployment lives: under `{<prefix>}:`, the prefix wrapped in a hash
 * tag. Redis Cluster (and Azure Managed Redis, whose clustering policies shard by the same rule)
 * puts a key in the slot of the text between its first `{` and `}`, so the queue, processing lists,
 * slots, parking, rate-limit windows and streaming-gate leases of one prefix share one slot, and
 * the multi-key scripts (slot acquire/release, reserve-more, the rate-limit and gate scripts), the
 * BLMOVE/LMOVE pairs and the slot-renewal pipeline are valid on a cluster as on a single server.
 * REDIS_PREFIX admits no braces (shared/config.ts), so the tag is always exactly the prefix.
 */

/** The hash-tagged root of a prefix's key space: `{prefix}`; keys are `{prefix}:…`. */
export function redisKeyRoot(prefix: string): string {
  if (/[{}]/.test(prefix)) throw new Error(`Redis prefix '${prefix}' must not contain braces (it becomes the hash tag)`);
  return `{${prefix}}`;
}
