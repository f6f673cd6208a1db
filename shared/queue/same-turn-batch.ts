/**
 * Gathers the items submitted during one turn of the event loop and hands them to `flush` as one
 * batch at the end of that turn (setImmediate: after the I/O callbacks of this turn and their
 * microtasks): the enqueues of triggers answered together, or the acks of runs that ended
 * together, become one Redis command instead of one each. No timer: a lone item leaves as soon as
 * the current turn ends.
 *
 * Every submitter of a batch sees that batch's outcome (the same error, if the command failed).
 */
export function sameTurnBatch<T>(flush: (items: T[]) => Promise<void>, maxBatch = 1_000): (item: T) => Promise<void> {
  let current: { items: T[]; done: Promise<void> } | null = null;
  return (item: T) => {
    if (!current || current.items.length >= maxBatch) {
      const batch: { items: T[]; done: Promise<void> } = { items: [], done: Promise.resolve() };
      batch.done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        if (current === batch) current = null;
        return flush(batch.items);
      });
      current = batch;
    }
    current.items.push(item);
    return current.done;
  };
}
