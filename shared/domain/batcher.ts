/**
 * The one batching primitive of the code base: requests submitted while a batch of the same kind is
 * in flight are gathered and sent together as the next batch, so under load many requests share
 * one round trip, and an idle process still sends a lone request at once (no timer, no added wait).
 * The worker's claims and run ends, the control plane's pre-flight inserts and webhook deliveries
 * (one SQL statement and one commit per batch: db/statement-batcher.ts) and the Redis queue's
 * enqueues and acks (one command per batch) all go through it.
 *
 * What counts as "together" when nothing is in flight is the `gather` option:
 * - `callback`: the requests made by one callback and the microtasks it queued (a worker dispatching
 *   the messages it reserved submits them all from one callback);
 * - `phase`: the requests made in one pass of the event loop's current phase (the control plane
 *   reads each HTTP request from its own socket in a callback of its own; waiting for setImmediate,
 *   the end of the poll phase, lets every request read in that pass share the batch, still with no
 *   timer).
 *
 * A failed batch is classified by `onFailure`: `resend` it whole (a transient refusal such as a
 * deadlock victim, which wrote nothing), `fail-all` its requests with the error (the backend is
 * unreachable), or `split` it: its requests go back to the front of the line and are sent one at a
 * time, within the same in-flight bound as every batch, so only the request at fault fails.
 */

export type BatchFailure = 'resend' | 'fail-all' | 'split';

export interface BatcherOptions {
  /** Most requests in one batch. */
  maxBatch: number;
  /** Batches in flight at once (more overlap round trips; fewer batch more). */
  maxInFlight: number;
  /** When a first request goes out if nothing is in flight: at the end of its callback (default) or of the event-loop phase. */
  gather?: 'callback' | 'phase';
  /** What a failed batch of `size` requests means; default: every request fails with the error. */
  onFailure?: (err: unknown, size: number) => BatchFailure;
  /** Times one batch is resent when `onFailure` says `resend` (default 3); then its requests fail. */
  maxResends?: number;
}

interface Pending<Req, Res> {
  req: Req;
  /** Sent alone: it shared a batch that failed, and its own outcome is final. */
  alone: boolean;
  resolve(res: Res): void;
  reject(err: unknown): void;
}

export class Batcher<Req, Res> {
  private readonly waiting: Array<Pending<Req, Res>> = [];
  private inFlight = 0;
  private scheduled = false;
  /** Batches sent and requests carried (for tests and the bench). */
  readonly stats = { batches: 0, requests: 0 };

  constructor(
    /** Answers a batch: one result per request, in order. */
    private readonly send: (reqs: Req[]) => Promise<Res[]>,
    private readonly opts: BatcherOptions,
  ) {
    if (!(opts.maxBatch >= 1) || !(opts.maxInFlight >= 1))
      throw new RangeError('a batcher sends at least one request and one batch at a time');
  }

  /** Requests in flight or waiting (for tests). */
  get pending(): number {
    return this.waiting.length;
  }

  submit(req: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      this.waiting.push({ req, alone: false, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const go = () => {
      this.scheduled = false;
      this.pump();
    };
    if (this.opts.gather === 'phase') setImmediate(go);
    else queueMicrotask(go);
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.inFlight < this.opts.maxInFlight) {
      const batch = this.next();
      this.inFlight++;
      this.stats.batches++;
      this.stats.requests += batch.length;
      void this.sendResending(batch.map((p) => p.req))
        .then(
          (results) => batch.forEach((p, i) => p.resolve(results[i]!)),
          (err: unknown) => {
            const failure = batch.length === 1 ? 'fail-all' : (this.opts.onFailure?.(err, batch.length) ?? 'fail-all');
            if (failure !== 'split') return batch.forEach((p) => p.reject(err));
            // Back to the front of the line, each to be sent on its own under the in-flight bound.
            this.waiting.unshift(...batch.map((p) => ({ ...p, alone: true })));
          },
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }

  /** The next batch: one request sent alone, or up to maxBatch requests gathered together. */
  private next(): Array<Pending<Req, Res>> {
    if (this.waiting[0]!.alone) return this.waiting.splice(0, 1);
    let n = 0;
    while (n < this.waiting.length && n < this.opts.maxBatch && !this.waiting[n]!.alone) n++;
    return this.waiting.splice(0, n);
  }

  private async sendResending(reqs: Req[]): Promise<Res[]> {
    const resends = this.opts.maxResends ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.send(reqs);
      } catch (err) {
        if (attempt >= resends || this.opts.onFailure?.(err, reqs.length) !== 'resend') throw err;
      }
    }
  }
}
