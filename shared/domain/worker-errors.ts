/** Errors of digital workers. */
import { ConflictError } from './errors';

/** A run of a workflow owned by a paused worker was requested; nothing was committed. */
export class WorkerPausedError extends ConflictError {
  constructor(
    readonly workerId: string,
    readonly workerName: string,
    readonly workflowId: string,
  ) {
    super('worker_paused', `The workflow belongs to the digital worker '${workerName}', which is paused; resume the worker to run it.`);
  }
}
