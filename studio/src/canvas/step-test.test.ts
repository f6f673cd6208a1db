import { describe, expect, it } from 'vitest';
import { dataFromRun } from './step-test';

describe('test data taken from a run', () => {
  it("takes the run's input and the outputs of the other tasks that ended, not the tested task's own nor tasks without output", () => {
    const data = dataFromRun(
      {
        input: { customer: 'Ada' },
        tasks: [
          { key: 'lookup', status: 'SUCCEEDED', output: { found: true } },
          { key: 'update', status: 'SKIPPED', output: null },
          { key: 'create', status: 'FAILED', output: { partial: 1 } },
          { key: 'pending', status: 'PENDING' },
          { key: 'post', status: 'FAILED', output: 'old' },
        ],
      },
      'post',
    );
    expect(data).toEqual({ input: { customer: 'Ada' }, steps: { lookup: { found: true }, create: { partial: 1 } } });
  });

  it('reads an input that is not an object as no input', () => {
    expect(dataFromRun({ input: [1, 2], tasks: [] }, 'x')).toEqual({ input: {}, steps: {} });
    expect(dataFromRun({ input: null, tasks: [] }, 'x')).toEqual({ input: {}, steps: {} });
  });
});
