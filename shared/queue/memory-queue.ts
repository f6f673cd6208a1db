/**
 * The embedded work queue, used when REDIS_URL is unset. Same contract as the Redis queue, in
 * one process: messages live only as long as the process does, so at start the recovery sweep
 * re-enqueues PENDING runs from Postgres (the source of truth).
 */
import { decodeMessage, encodeMessage, type Reservation, type RunMessage, type WorkQueue } from './work-queue';

export function createMemoryQueue(): WorkQueue {
  // A ring-free deque: push at tail, shift from head by index to keep reserve O(1).
  let items: string[] = [];
  let head = 0;
  const processing = new Map<string, string[]>();
  const waiters: Array<(raw: string | null) => void> = [];
  let closed = false;

  const take = (): string | undefined => {
    if (head >= items.length) return undefined;
    const raw = items[head++]!;
    if (head > 1024 && head * 2 > items.length) {
      items = items.slice(head);
      head = 0;
    }
    return raw;
  };
  const push = (raw: string) => {
    const w = waiters.shift();
    if (w) w(raw);
    else items.push(raw);
  };
  const hold = (workerId: string, raw: string) => {
    let list = processing.get(workerId);
    if (!list) processing.set(workerId, (list = []));
    list.push(raw);
  };

  return {
    backend: 'embedded',
    async enqueue(message) {
      push(encodeMessage(message));
    },
    async enqueueMany(messages: readonly RunMessage[]) {
      for (const m of messages) push(encodeMessage(m));
    },
    async reserve(workerId, timeoutMs): Promise<Reservation | null> {
      if (closed) return null;
      let raw = take();
      if (raw === undefined) {
        raw =
          (await new Promise<string | null>((resolve) => {
            const timer = setTimeout(() => {
              const i = waiters.indexOf(done);
              if (i >= 0) waiters.splice(i, 1);
              resolve(null);
            }, Math.max(timeoutMs, 1));
            const done = (v: string | null) => {
              clearTimeout(timer);
              resolve(v);
            };
            waiters.push(done);
          })) ?? undefined;
      }
      if (raw === undefined) return null;
      const message = decodeMessage(raw);
      if (!message) return this.reserve(workerId, 0);
      hold(workerId, raw);
      return { message, raw };
    },
    async ack(workerId, reservation) {
      const list = processing.get(workerId);
      const i = list?.indexOf(reservation.raw) ?? -1;
      if (list && i >= 0) list.splice(i, 1);
    },
    async requeueProcessing(workerId) {
      const list = processing.get(workerId) ?? [];
      processing.delete(workerId);
      for (const raw of list) push(raw);
      return list.length;
    },
    async depth() {
      return items.length - head;
    },
    async ping() {
      return 0;
    },
    async close() {
      closed = true;
      for (const w of waiters.splice(0)) w(null);
    },
  };
}
