/**
 * Following a run live: the run events stream (GET /api/runs/{id}/events, Server-Sent Events:
 * `snapshot`, then `task` and `run` changes, then `end`) drawn as a progress view — on a terminal
 * one line per task with chunk progress bars, redrawn in place; otherwise one line per change,
 * so logs of CI jobs read well. The server closes a stream after a few minutes without `end`;
 * the view then reconnects and carries on from the fresh snapshot.
 */
import { createSseParser } from '../studio/src/services/sse-parser';
import { authHeaders, problemError, unreachable, type RunView } from './client';
import type { Connection } from './profiles';

type TaskView = RunView['tasks'][number];
type RunPart = Omit<RunView, 'tasks'>;

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const ICON: Record<string, string> = { PENDING: '·', RUNNING: '▸', SUCCEEDED: '✓', FAILED: '✗', SKIPPED: '-', CANCELLED: '⊘' };

/** Where the view is drawn: a terminal (redrawn in place) or a plain stream (a line per change). */
export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
}

/** A chunk progress bar: `[#####·····] 50/100`. */
export function progressBar(done: number, total: number, width = 20): string {
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
  return `[${'#'.repeat(filled)}${'·'.repeat(width - filled)}] ${done}/${total}`;
}

/** One task's line: icon, key, status, attempts, chunk progress, error code. */
export function taskLine(t: TaskView): string {
  const parts = [`${ICON[t.status] ?? '?'} ${t.key}`, t.status];
  if (t.attempts > 1) parts.push(`attempt ${t.attempts}`);
  if (t.chunks)
    parts.push(progressBar(t.chunks.succeeded + t.chunks.failed, t.chunks.total) + (t.chunks.failed ? ` (${t.chunks.failed} failed)` : ''));
  if (t.error) parts.push(`${t.error.code}: ${t.error.message}`);
  return parts.join('  ');
}

/** Draws run events on a sink. */
export class ProgressView {
  private run: RunPart | null = null;
  private readonly tasks = new Map<string, TaskView>();
  private drawn = 0;
  private readonly lastLine = new Map<string, string>();

  constructor(private readonly sink: ProgressSink) {}

  snapshot(r: RunView): void {
    const { tasks, ...run } = r;
    this.run = run;
    this.tasks.clear();
    for (const t of tasks) this.tasks.set(t.key, t);
    if (this.sink.isTTY) this.redraw();
    else {
      this.line('run', `run ${run.id}  ${run.workflowName} v${run.workflowVersion}  ${run.status}`);
      for (const t of tasks) this.line(`task:${t.key}`, `  ${taskLine(t)}`);
    }
  }

  task(t: TaskView): void {
    this.tasks.set(t.key, t);
    if (this.sink.isTTY) this.redraw();
    else this.line(`task:${t.key}`, `  ${taskLine(t)}`);
  }

  runChanged(r: RunPart): void {
    this.run = r;
    if (this.sink.isTTY) this.redraw();
    else this.line('run', `run ${r.id}  ${r.status}`);
  }

  /** A plain line only when it says something new (a poll may resend an unchanged task). */
  private line(key: string, text: string): void {
    if (this.lastLine.get(key) === text) return;
    this.lastLine.set(key, text);
    this.sink.write(`${text}\n`);
  }

  private redraw(): void {
    if (!this.run) return;
    const lines = [`run ${this.run.id}  ${this.run.workflowName} v${this.run.workflowVersion}  ${this.run.status}`];
    for (const t of this.tasks.values()) lines.push(`  ${taskLine(t)}`);
    const up = this.drawn ? `\x1b[${this.drawn}A\x1b[J` : '';
    this.sink.write(`${up}${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }
}

/**
 * Follows a run until it ends and returns its final state. `view` is told every event (absent
 * with --json). Reconnects when the server closes the stream before `end`.
 */
export async function followRun(
  c: Connection,
  runId: string,
  view: ProgressView | null,
  readRun: (id: string) => Promise<RunView>,
): Promise<RunView> {
  for (;;) {
    let ended = false;
    let res: Response;
    try {
      res = await fetch(`${c.url}/api/runs/${encodeURIComponent(runId)}/events`, {
        headers: { Accept: 'text/event-stream', 'User-Agent': 'demiton-cli', ...authHeaders(c) },
      });
    } catch (err) {
      throw unreachable(err);
    }
    if (!res.ok) throw problemError(res.status, await res.json().catch(() => null), 'Following the run');
    const parse = createSseParser();
    const decoder = new TextDecoder();
    const reader = res.body!.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const e of parse(decoder.decode(value, { stream: true }))) {
          const data = JSON.parse(e.data) as unknown;
          if (e.event === 'snapshot') view?.snapshot(data as RunView);
          else if (e.event === 'task') view?.task(data as TaskView);
          else if (e.event === 'run') view?.runChanged(data as RunPart);
          else if (e.event === 'end') ended = true;
        }
        if (ended) break;
      }
    } catch (err) {
      throw unreachable(err);
    } finally {
      void reader.cancel().catch(() => undefined);
    }
    const run = await readRun(runId);
    if (ended || TERMINAL.has(run.status)) return run;
  }
}
