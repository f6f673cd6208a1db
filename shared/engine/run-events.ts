/**
 * The live feed of one run as Server-Sent Events: a `snapshot` (the whole run with its tasks),
 * then `run` and `task` events for what changed (a task event carries its chunk progress), then
 * `end` once the run is finished, and the stream closes.
 *
 * Why polling and not LISTEN/NOTIFY: the engine writes runs from many worker processes and does
 * not NOTIFY, and a LISTEN needs one dedicated connection per stream, held outside the pool, on
 * every Functions instance. One indexed read of the run with its tasks every 500 ms per open
 * page costs less than that and needs nothing from the writers; the read is the same one
 * `GET /api/runs/{id}` makes, so the feed can never disagree with it.
 */
import type { Principal } from '../domain/principal';
import type { RunView } from '../domain/api';
import { DemitonError } from '../domain/errors';
import type { Platform } from '../platform';
import { getRun } from './runs-service';

/** What this module uses of the platform (not the whole of it). */
export type RunEventsDeps = Pick<Platform, 'connectors' | 'db' | 'queue'>;

export interface RunEventOptions {
  /** How often the run is read (default 500 ms). */
  pollMs?: number;
  /** A comment line keeps proxies from closing an idle stream (default 15 s). */
  heartbeatMs?: number;
  /** The stream closes after this long without `end`; clients reconnect and get a fresh snapshot (default 5 min). */
  maxDurationMs?: number;
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/** One SSE frame. `data` is JSON on one line, so no newline can split it. */
export function sseFrame(event: string, data: unknown, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function runPart(r: RunView): Omit<RunView, 'tasks'> {
  const { tasks: _tasks, ...rest } = r;
  return rest;
}

/** The events that take `before` to `after`: changed tasks first, then the run itself. */
export function diffRun(before: RunView, after: RunView): Array<{ event: 'run' | 'task'; data: unknown }> {
  const out: Array<{ event: 'run' | 'task'; data: unknown }> = [];
  const old = new Map(before.tasks.map((t) => [t.key, JSON.stringify(t)]));
  for (const t of after.tasks) if (old.get(t.key) !== JSON.stringify(t)) out.push({ event: 'task', data: t });
  if (JSON.stringify(runPart(before)) !== JSON.stringify(runPart(after))) out.push({ event: 'run', data: runPart(after) });
  return out;
}

/**
 * Opens the feed. Reads the run once first, so a missing run throws `NotFoundError` before any
 * byte is sent (the handler answers 404, not an empty stream).
 */
export async function openRunEvents(
  p: RunEventsDeps,
  who: Principal,
  runId: string,
  opts: RunEventOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  const pollMs = opts.pollMs ?? 500;
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const maxDurationMs = opts.maxDurationMs ?? 300_000;
  let current = await getRun(p, who, runId);
  const encoder = new TextEncoder();
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let seq = 0;
  const startedAt = Date.now();
  let lastSent = Date.now();

  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        if (closed) return;
        controller.enqueue(encoder.encode(text));
        lastSent = Date.now();
      };
      const finish = () => {
        if (closed) return;
        closed = true;
        if (timer) clearTimeout(timer);
        controller.close();
      };
      // retry: how long a client waits before reconnecting after the stream drops.
      send(`retry: 1000\n${sseFrame('snapshot', current, ++seq)}`);
      if (TERMINAL.has(current.status)) {
        send(sseFrame('end', { status: current.status }, ++seq));
        return finish();
      }
      const tick = async () => {
        if (closed) return;
        try {
          const next = await getRun(p, who, runId);
          for (const e of diffRun(current, next)) send(sseFrame(e.event, e.data, ++seq));
          current = next;
          if (TERMINAL.has(next.status)) {
            send(sseFrame('end', { status: next.status }, ++seq));
            return finish();
          }
        } catch (err) {
          // A dependency that is down may come back: say so and keep polling. Anything else ends the feed.
          const known = err instanceof DemitonError;
          send(
            sseFrame('problem', { code: known ? err.code : 'internal_error', detail: known ? err.message : 'The run could not be read.' }),
          );
          if (!known || !err.retryable) return finish();
        }
        if (Date.now() - startedAt >= maxDurationMs) return finish();
        if (Date.now() - lastSent >= heartbeatMs) send(': keep-alive\n\n');
        if (!closed) timer = setTimeout(() => void tick(), pollMs);
      };
      timer = setTimeout(() => void tick(), pollMs);
    },
    cancel() {
      // The client went away: stop reading the database for it.
      closed = true;
      if (timer) clearTimeout(timer);
    },
  });
}
