import { describe, expect, it } from 'vitest';
import { heldBy } from '../../tests/helpers/signal-held';
import type { Db } from '../db/db';
import { createLogger } from '../logger';
import type { WorkQueue } from '../queue/work-queue';
import { withTimeout } from './attempt-operation';
import { LeaseKeeper } from './lease';
import { linkedAbort } from './linked-abort';

describe('linkedAbort', () => {
  it('aborts with the parent, at once when the parent already has, and by itself without touching the parent', () => {
    const parent = new AbortController();
    const child = linkedAbort(parent.signal);
    const reason = new Error('cancelled');
    parent.abort(reason);
    expect(child.signal.aborted).toBe(true);
    expect(child.signal.reason).toBe(reason);
    expect(linkedAbort(parent.signal).signal.reason).toBe(reason);

    const other = new AbortController();
    const own = linkedAbort(other.signal);
    own.abort(new Error('timeout'));
    expect(own.signal.aborted).toBe(true);
    expect(other.signal.aborted).toBe(false);
    own.unlink();
    own.unlink();
  });

  it('leaves nothing on a run signal after many timed attempts (AbortSignal.any kept one entry per attempt)', async () => {
    const run = new AbortController();
    for (let i = 0; i < 2_000; i++) await withTimeout(async (s) => !s.aborted, run.signal, 60_000);
    await expect(
      withTimeout((s) => new Promise((_, reject) => s.addEventListener('abort', () => reject(s.reason))), run.signal, 5),
    ).rejects.toMatchObject({ code: 'task_timeout' });
    expect(heldBy(run.signal)).toBe(0);
  });

  it('a nested run held and released leaves nothing on its parent run signal; the parent still aborts it while held', () => {
    const keeper = new LeaseKeeper({ db: {} as Db, queue: {} as WorkQueue, owner: 'w', leaseMs: 30_000, logger: createLogger('silent') });
    const parent = new AbortController();
    for (let i = 0; i < 1_000; i++) {
      keeper.hold(`child-${i}`, parent.signal);
      keeper.release(`child-${i}`);
    }
    expect(heldBy(parent.signal)).toBe(0);
    const held = keeper.hold('child-last', parent.signal);
    const reason = new Error('parent cancelled');
    parent.abort(reason);
    expect(held.reason).toBe(reason);
    keeper.release('child-last');
  });
});
