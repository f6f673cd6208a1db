/**
 * Group commit: the Batcher (domain/batcher.ts) with PostgreSQL's failure rules, for requests that
 * one SQL statement answers together (one round trip and one commit for many runs).
 *
 * A batch PostgreSQL aborted as a deadlock victim wrote nothing and is sent again. A batch that
 * failed otherwise also wrote nothing (one statement, one transaction): its requests are sent again
 * one by one, so only the request at fault fails; when the database is unreachable they all fail at
 * once.
 */
import { Batcher, type BatchFailure, type BatcherOptions } from '../domain/batcher';
import { ServiceUnavailableError } from '../domain/errors';
import { isConnectionError, isDeadlock } from './db';

/** How a failed statement's requests are handled (see the header). */
export function statementFailure(err: unknown): BatchFailure {
  if (isDeadlock(err)) return 'resend';
  if (isConnectionError(err) || err instanceof ServiceUnavailableError) return 'fail-all';
  return 'split';
}

export type StatementBatcherOptions = Omit<BatcherOptions, 'onFailure'>;

export class StatementBatcher<Req, Res> extends Batcher<Req, Res> {
  constructor(send: (reqs: Req[]) => Promise<Res[]>, opts: StatementBatcherOptions) {
    super(send, { ...opts, onFailure: statementFailure });
  }
}
