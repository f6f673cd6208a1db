/**
 * Starting the in-host worker when the platform may not be ready yet: at appStart on a fresh
 * instance PostgreSQL or Redis can still be starting, failing over or refusing a sign-in that has
 * not propagated. The start is retried with exponential backoff (1 s doubling to 30 s) in the
 * background, so appStart returns at once and HTTP functions answer meanwhile (their own requests
 * fail with 503 until the platform is up). `stop()` ends the retries and stops the worker if it
 * started.
 */
import type { Platform } from '../shared/platform';
import type { Worker } from '../shared/engine/worker';

export interface WorkerStarter {
  /** Resolves once the worker runs, or the starter was stopped first (then null). */
  readonly started: Promise<Worker | null>;
  /** Stops retrying, and the worker if it runs. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The platform (rejects while a backend is not ready). */
  platform: () => Promise<Platform>;
  /** Builds and starts the worker on a ready platform. */
  start: (platform: Platform) => Worker;
  /** Where failed attempts are reported. */
  onRetry?: (err: unknown, attempt: number, nextInMs: number) => void;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/** Starts the worker, retrying with backoff until the platform is ready or `stop()` is called. */
export function startWorkerWhenReady(opts: StartOptions): WorkerStarter {
  const first = opts.firstDelayMs ?? 1_000;
  const max = opts.maxDelayMs ?? 30_000;
  let stopped = false;
  let worker: Worker | null = null;
  let wake: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  const started = (async () => {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        const platform = await opts.platform();
        if (stopped) return null;
        worker = opts.start(platform);
        return worker;
      } catch (err) {
        if (stopped) return null;
        const next = Math.min(first * 2 ** (attempt - 1), max);
        opts.onRetry?.(err, attempt, next);
        await pause(next);
      }
    }
    return null;
  })();
  return {
    started,
    async stop() {
      stopped = true;
      wake?.();
      await started;
      await worker?.stop();
    },
  };
}
