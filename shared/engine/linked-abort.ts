/**
 * An AbortController that also aborts when a longer-lived signal does, and lets go of it again.
 *
 * The engine derives a signal per attempt (timeouts), per child run and per nested run from the
 * run's signal, which lives as long as the run: a fan-out makes millions of them. On Node 20
 * `AbortSignal.any([parent, …])` registers every derived signal with the parent (a WeakRef in the
 * parent's set of dependants) and that entry stays until the parent is aborted or collected, so
 * the run's signal grows by one entry per call. Here the link is one listener on the parent,
 * removed by `unlink()` when the derived work ends; the parent holds nothing afterwards.
 */
export interface LinkedAbort {
  readonly signal: AbortSignal;
  /** Aborts the derived signal (and only it) with `reason`. */
  abort(reason: unknown): void;
  /** Removes the listener on the parent. Idempotent; call it when the derived work has ended. */
  unlink(): void;
}

/** A controller whose signal aborts with the parent's reason when `parent` aborts (at once if it already has). */
export function linkedAbort(parent: AbortSignal): LinkedAbort {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    unlink: () => parent.removeEventListener('abort', onAbort),
  };
}
