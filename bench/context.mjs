/**
 * What every scenario shares: the bench schema and Redis prefix, a small `pg` pool in the bench
 * process, the control plane's URL, and helpers to create workflows over HTTP, start worker
 * processes and wait for runs to end. Figures come from timestamps PostgreSQL records
 * (clock_timestamp()), never from this process's clock, except HTTP response times.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { cpuSeconds, startWorker } from './processes.mjs';

/** Loads a CommonJS module of the compiled build (`dist/…`). */
export function loadDist(distRoot, path) {
  return createRequire(join(distRoot, 'package.json'))(join(distRoot, path));
}

export class BenchContext {
  /**
   * `reuseWorkers` (--quick): a stopped worker stays up, idle, and the next `startWorker` takes it
   * instead of starting a process (each start loads the whole build, about 2 s of CPU here). At
   * most one is kept idle, so no spare worker takes runs meant for the workers a scenario counts.
   */
  constructor({ pg, distRoot, env, url, orgId, workerConcurrency, cpuProfDir, log, controlPlanePid, reuseWorkers = false }) {
    Object.assign(this, { pg, distRoot, env, url, orgId, workerConcurrency, cpuProfDir, log, controlPlanePid, reuseWorkers });
    this.idleWorkers = [];
    this.workersStarted = 0;
  }

  /** Stops the worker kept idle for reuse, if any. */
  async stopIdleWorkers() {
    const idle = this.idleWorkers.splice(0);
    await Promise.all(idle.map((w) => w.stop()));
  }

  /** CPU seconds the control-plane process has used so far. */
  controlPlaneCpu() {
    return cpuSeconds(this.controlPlanePid) ?? 0;
  }

  /** Creates a workflow through the API; returns its id. */
  async createWorkflow(definition) {
    const res = await fetch(`${this.url}/api/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(definition),
    });
    const body = await res.json();
    if (res.status !== 201) throw new Error(`creating workflow ${definition.name} failed (${res.status}): ${JSON.stringify(body)}`);
    return body.id;
  }

  /** Triggers one run through the API; returns its id. */
  async trigger(workflowId, input = {}) {
    const res = await fetch(`${this.url}/api/workflows/${workflowId}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input }),
    });
    const body = await res.json();
    if (res.status !== 202) throw new Error(`trigger failed (${res.status}): ${JSON.stringify(body)}`);
    return body.id;
  }

  /** Starts a worker process on the bench schema and queue (or, with `reuseWorkers`, takes the idle one). */
  async startWorker({ concurrency = this.workerConcurrency } = {}) {
    if (!this.reuseWorkers || concurrency !== this.workerConcurrency) {
      this.workersStarted++;
      return startWorker({ distRoot: this.distRoot, env: this.env, concurrency, cpuProfDir: this.cpuProfDir });
    }
    const idle = this.idleWorkers.pop();
    if (idle) return this.reusable(idle);
    this.workersStarted++;
    return this.reusable(await startWorker({ distRoot: this.distRoot, env: this.env, concurrency, cpuProfDir: this.cpuProfDir }));
  }

  /** A worker whose `stop` keeps it idle for the next scenario while none is kept yet. */
  reusable(worker) {
    return {
      ...worker,
      stop: async () => {
        if (this.idleWorkers.length === 0) this.idleWorkers.push(worker);
        else await worker.stop();
      },
    };
  }

  /** Counts of a workflow's top-level runs by outcome. */
  async runCounts(workflowId) {
    const { rows } = await this.pg.query(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE status IN ('SUCCEEDED', 'FAILED', 'CANCELLED'))::int AS ended,
              count(*) FILTER (WHERE status = 'SUCCEEDED')::int AS succeeded
         FROM workflow_runs WHERE org_id = $1::uuid AND workflow_id = $2::uuid AND parent_run_id IS NULL`,
      [this.orgId, workflowId],
    );
    return rows[0];
  }

  /** Waits until `expected` runs of the workflow have ended; throws after `timeoutMs`. */
  async waitForRuns(workflowId, expected, timeoutMs, everyMs = 200) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const c = await this.runCounts(workflowId);
      if (c.ended >= expected) return c;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${c.ended} of ${expected} runs ended`);
      await delay(everyMs);
    }
  }

  /** Like `waitForRuns`, but returns the counts when `budgetMs` runs out instead of throwing. */
  async waitForRunsWithin(workflowId, expected, budgetMs, everyMs = 200) {
    const deadline = Date.now() + budgetMs;
    for (;;) {
      const c = await this.runCounts(workflowId);
      if (c.ended >= expected || Date.now() > deadline) return c;
      await delay(everyMs);
    }
  }

  /** Asks the API to cancel a run (a scenario past its time budget). */
  async cancel(runId) {
    const res = await fetch(`${this.url}/api/runs/${runId}/cancel`, { method: 'POST' });
    await res.arrayBuffer();
    return res.status;
  }

  /** Waits for one run to end (polls its row every `everyMs`). */
  async waitForRun(runId, timeoutMs, everyMs = 5) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await this.pg.query(`SELECT status FROM workflow_runs WHERE org_id = $1::uuid AND id = $2::uuid`, [
        this.orgId,
        runId,
      ]);
      const s = rows[0]?.status;
      if (s === 'SUCCEEDED' || s === 'FAILED' || s === 'CANCELLED') return s;
      if (Date.now() > deadline) throw new Error(`run ${runId} did not end in ${timeoutMs} ms (status ${s})`);
      await delay(everyMs);
    }
  }

  /** Waits until every run of `ids` has ended or `budgetMs` passes; resolves to how many ended. */
  async waitForIds(ids, budgetMs, everyMs = 100) {
    const deadline = Date.now() + budgetMs;
    for (;;) {
      const { rows } = await this.pg.query(
        `SELECT count(*)::int AS ended FROM workflow_runs
          WHERE org_id = $1::uuid AND id = ANY($2::uuid[]) AND status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')`,
        [this.orgId, ids],
      );
      if (rows[0].ended >= ids.length || Date.now() > deadline) return rows[0].ended;
      await delay(everyMs);
    }
  }

  /** Of the runs `ids`: how many ended and succeeded, and seconds from the first start to the last end (server clock). */
  async spanOf(ids) {
    const { rows } = await this.pg.query(
      `SELECT count(*) FILTER (WHERE finished_at IS NOT NULL)::int AS runs, count(*) FILTER (WHERE status = 'SUCCEEDED')::int AS succeeded,
              extract(epoch FROM max(finished_at) - min(started_at))::float8 AS seconds
         FROM workflow_runs WHERE org_id = $1::uuid AND id = ANY($2::uuid[])`,
      [this.orgId, ids],
    );
    const r = rows[0];
    return {
      runs: r.runs,
      succeeded: r.succeeded,
      seconds: Math.round(r.seconds * 1000) / 1000,
      runsPerSec: r.seconds > 0 ? Math.round(r.runs / r.seconds) : null,
    };
  }
}
