/**
 * The narrow handle the engine lends to `platform` operations: business objects of one project,
 * written as the run (audit actor `system`, id `run:<id>`).
 */
import type { Db } from '../db/db';
import { NotFoundError, TaskFailedError, ValidationError } from '../domain/errors';
import type { BusinessObjectView } from '../domain/business-objects-api';
import * as service from './business-objects-service';

/** Business object reads and writes for one run's project. */
export interface BusinessObjectAccess {
  /** `single`: the caller gave one `record`, so error paths say `record.x` rather than `records[0].x`. */
  upsert(
    type: string,
    records: ReadonlyArray<Record<string, unknown>>,
    single?: boolean,
  ): Promise<{ inserted: number; updated: number; unchanged: number; keys: string[] }>;
  query(
    type: string,
    opts: { filter?: Record<string, unknown> | undefined; limit: number; cursor?: string | undefined },
  ): Promise<{ items: BusinessObjectView[]; nextCursor: string | null }>;
}

/**
 * A run records only an error's code and message, so validation issues (paths) go into the
 * message; a bad record or an unknown type fails the same way on every attempt, so no retry.
 */
function asTaskError(err: unknown): never {
  if (err instanceof ValidationError) {
    throw new TaskFailedError(err.code, `${err.message} ${err.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, {
      cause: err,
      retryable: false,
    });
  }
  if (err instanceof NotFoundError) throw new TaskFailedError(err.code, err.message, { cause: err, retryable: false });
  throw err;
}

/** Binds business object access to one organisation, project and run. */
export function businessObjectAccess(db: Db, scope: { orgId: string; projectId: string; runId: string }): BusinessObjectAccess {
  const who = { orgId: scope.orgId, actor: { type: 'system' as const, id: `run:${scope.runId}` } };
  return {
    upsert: (type, records, single) =>
      service.upsertRecords(db, who, type, scope.projectId, records, single ? () => 'record' : undefined).catch(asTaskError),
    query: (type, opts) =>
      service
        .listRecords(db, who, type, { projectId: scope.projectId, filter: opts.filter ?? null, limit: opts.limit, cursor: opts.cursor })
        .catch(asTaskError),
  };
}
