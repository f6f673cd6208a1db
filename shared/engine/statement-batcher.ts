/**
 * Group commit: requests made while a statement of the same kind is in flight are gathered and
 * sent together as the next statement, so under load many runs share one round trip and one
 * commit, and an idle process still sends a lone request at once (no timer, no added wait).
 *
 * What counts as "together" when no statement is in flight is the `gather` option: the requests of
 * one turn of the event loop (`turn`: a worker dispatching a batch of queue messages submits them
 * all in one turn), or of one pass of its I/O phase (`io`: the control plane receives each HTTP
 * trigger on its own socket, so each arrives in a callback of its own; waiting for the end of the
 * pass with setImmediate lets every request read in that pass share the statement, still with no
 * timer).
 *
 * A batch that PostgreSQL aborted as a deadlock victim wrote nothing and is sent again. A batch
 * that failed otherwise also wrote nothing (one statement, one transaction): its requests are sent
 * again one by one, so only the request at fault fails; when the database is unreachable they all
 * fail at once.
 */
import { isConnectionError, isDeadlock } from '../db/db';
import { ServiceUnavailableError } from '../domain/errors';

export interface BatcherOptions {
  /** Most requests in one statement. */
  maxBatch: number;
  /** Statements of this kind in flight at once (more overlap round trips; fewer batch more). */
  maxInFlight: number;
  /** Times a batch aborted as a deadlock victim is sent again. */
  deadlockRetries?: number;
  /** When a first request goes out if nothing is in flight: at the end of this turn (default) or of this I/O pass. */
  gather?: 'turn' | 'io';
}

interface Pending<Req, Res> {
  req: Req;
  resolve(res: Res): void;
  reject(err: unknown): void;
}

export class StatementBatcher<Req, Res> {
  private readonly waiting: Array<Pending<Req, Res>> = [];
  private inFlight = 0;
  private scheduled = false;
  /** Statements sent and requests carried (for tests and the bench). */
  readonly stats = { statements: 0, requests: 0 };

  constructor(
    /** Answers a batch: one result per request, in order. */
    private readonly send: (reqs: Req[]) => Promise<Res[]>,
    private readonly opts: BatcherOptions,
  ) {}

  submit(req: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      this.waiting.push({ req, resolve, reject });
      // Requests made in the same turn of the event loop (or I/O pass, with gather 'io') go out
      // together: wait for the end of it, not for a timer.
      if (!this.scheduled) {
        this.scheduled = true;
        const go = () => {
          this.scheduled = false;
          this.pump();
        };
        if (this.opts.gather === 'io') setImmediate(go);
        else queueMicrotask(go);
      }
    });
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.inFlight < this.opts.maxInFlight) {
      const batch = this.waiting.splice(0, this.opts.maxBatch);
      this.inFlight++;
      this.stats.statements++;
      this.stats.requests += batch.length;
      void this.sendWithRetry(batch.map((p) => p.req))
        .then(
          (results) => batch.forEach((p, i) => p.resolve(results[i]!)),
          (err: unknown) => {
            // One bad request (say, a value the database refuses) must not fail the others that
            // happened to share its statement: each is sent again on its own. An unreachable
            // database fails them all alike.
            if (batch.length === 1 || isConnectionError(err) || err instanceof ServiceUnavailableError)
              return batch.forEach((p) => p.reject(err));
            for (const p of batch)
              this.sendWithRetry([p.req]).then(
                (r) => p.resolve(r[0]!),
                (e: unknown) => p.reject(e),
              );
          },
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }

  private async sendWithRetry(reqs: Req[]): Promise<Res[]> {
    const retries = this.opts.deadlockRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.send(reqs);
      } catch (err) {
        if (!isDeadlock(err) || attempt >= retries) throw err;
      }
    }
  }
}
