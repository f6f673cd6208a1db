/**
 * The embedded work queue, used when REDIS_URL is unset. Same contract as the Redis queue, in
 * one process: messages live only as long as the process does, so at start the recovery sweep
 * re-enqueues PENDING runs from Postgres (the source of truth).
 */
import { decodeMessage, encodeMessage, parkedMember, type Reservation, type RunMessage, type WorkQueue } from './work-queue';

export function createMemoryQueue(): WorkQueue {
  // A ring-free deque: push at tail, shift from head by index to keep reserve O(1).
  let items: string[] = [];
  let head = 0;
  const processing = new Map<string, string[]>();
  const waiters: Array<(raw: string | null) => void> = [];
  let closed = false;
  const workers = new Map<string, number>();
  const slots = new Map<string, Map<string, number>>();
  // Parked runs per slot key (member → the message to push when woken), in park order (a Map keeps
  // insertion order), and each key's limit.
  const parked = new Map<string, Map<string, string>>();
  const limits = new Map<string, number>();
  const cancelListeners = new Set<(runId: string) => void>();

  const slotsOf = (key: string, now: number) => {
    let m = slots.get(key);
    if (!m) slots.set(key, (m = new Map()));
    for (const [h, exp] of m) if (exp <= now) m.delete(h);
    return m;
  };
  const wake = (key: string, limit: number): number => {
    const held = slotsOf(key, Date.now());
    const waiting = parked.get(key);
    let woken = 0;
    while (waiting && waiting.size && held.size + woken < limit) {
      const [member, raw] = waiting.entries().next().value as [string, string];
      waiting.delete(member);
      push(raw);
      woken++;
    }
    if (waiting && !waiting.size) parked.delete(key);
    return woken;
  };

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
            const timer = setTimeout(
              () => {
                const i = waiters.indexOf(done);
                if (i >= 0) waiters.splice(i, 1);
                resolve(null);
              },
              Math.max(timeoutMs, 1),
            );
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
    async reserveMore(workerId, max) {
      const out: Reservation[] = [];
      while (!closed && out.length < max) {
        const raw = take();
        if (raw === undefined) break;
        const message = decodeMessage(raw);
        if (!message) continue;
        hold(workerId, raw);
        out.push({ message, raw });
      }
      return out;
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
    async heartbeat(workerId, ttlMs) {
      workers.set(workerId, Date.now() + ttlMs);
    },
    async workersSeen(since) {
      return [...workers].filter(([, until]) => until >= since).map(([workerId, heartbeatExpiresAt]) => ({ workerId, heartbeatExpiresAt }));
    },
    async forgetWorker(workerId) {
      workers.delete(workerId);
    },
    async requeueDeadWorkers() {
      const now = Date.now();
      let n = 0;
      let messages = 0;
      for (const id of new Set([...workers.keys(), ...processing.keys()])) {
        const until = workers.get(id);
        if (until !== undefined && until > now) continue;
        messages += await this.requeueProcessing(id);
        workers.delete(id);
        n++;
      }
      return { workers: n, messages };
    },
    async acquireSlot(req) {
      const now = Date.now();
      const held = slotsOf(req.key, now);
      if (held.has(req.holder) || held.size < req.limit) {
        held.set(req.holder, now + req.ttlMs);
        if (req.park) parked.get(req.key)?.delete(parkedMember(req.park));
        return true;
      }
      if (req.park) {
        let waiting = parked.get(req.key);
        if (!waiting) parked.set(req.key, (waiting = new Map()));
        // Parked once however often (the first park's place in line), woken as the message it came with.
        const member = parkedMember(req.park);
        if (!waiting.has(member)) waiting.set(member, encodeMessage({ ...req.park, enqueuedAt: Date.now() }));
        limits.set(req.key, req.limit);
      }
      return false;
    },
    async releaseSlot(key, holder, limit) {
      slots.get(key)?.delete(holder);
      wake(key, limit);
    },
    async renewSlots(list, ttlMs) {
      const expiry = Date.now() + ttlMs;
      for (const s of list) {
        const held = slots.get(s.key);
        // Never shortened: a slot held for a waiting run is leased far longer than a beat (as ZADD GT).
        if (held?.has(s.holder) && held.get(s.holder)! < expiry) held.set(s.holder, expiry);
      }
    },
    async slotHolders(key) {
      return [...(slots.has(key) ? slotsOf(key, Date.now()).keys() : [])];
    },
    async wakeParked() {
      let woken = 0;
      for (const key of [...parked.keys()]) woken += wake(key, limits.get(key) ?? 1);
      return woken;
    },
    async publishCancel(runIds) {
      for (const id of runIds) for (const l of cancelListeners) l(id);
    },
    onCancel(fn) {
      cancelListeners.add(fn);
      return () => void cancelListeners.delete(fn);
    },
    async close() {
      closed = true;
      for (const w of waiters.splice(0)) w(null);
    },
  };
}
