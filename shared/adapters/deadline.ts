/**
 * When an operation call must be done by: the engine stamps the attempt's signal with the instant
 * its `timeoutMs` runs out, and adapters that could wait (a server's `Retry-After`) read it, so they
 * wait only when the wait ends before the task would time out. Kept beside the signal, not passed
 * as a parameter, so every adapter's HTTP call sees it without threading it through each client.
 */
const deadlines = new WeakMap<AbortSignal, number>();

/** Records that work under `signal` must end by `at` (epoch milliseconds). */
export function setDeadline(signal: AbortSignal, at: number): void {
  deadlines.set(signal, at);
}

/** The deadline of work under `signal`, or undefined when the task has no timeout. */
export function deadlineOf(signal: AbortSignal): number | undefined {
  return deadlines.get(signal);
}
