/**
 * The built-in `platform` connector, present in every project: echo, transform, sleep, fail, range.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { TaskFailedError } from '../../domain/errors';
import { evaluate } from '../../domain/expressions';
import type { AdapterRegistration, CallOperation, GeneratorOperation, Operation } from '../adapter';

const echo: CallOperation<z.ZodRecord<z.ZodString, z.ZodUnknown>> = {
  kind: 'call',
  description: 'Returns its input unchanged.',
  input: z.record(z.string(), z.unknown()),
  async run(input) {
    return input;
  },
};

const transform: CallOperation<z.ZodObject<{ expression: z.ZodString }>> = {
  kind: 'call',
  description: 'Evaluates a JSONata `expression` against the task context ({ input, steps, record, run }).',
  input: z.object({ expression: z.string().min(1) }),
  async run(input, ctx) {
    return evaluate(input.expression, ctx.expressionContext, ctx.taskKey);
  },
};

const sleep: CallOperation<z.ZodObject<{ ms: z.ZodNumber }>> = {
  kind: 'call',
  description: 'Waits `ms` milliseconds (at most one hour); stops early when the task is aborted.',
  input: z.object({ ms: z.number().int().min(0).max(3_600_000) }),
  async run(input, ctx) {
    await delay(input.ms, undefined, { signal: ctx.signal });
    return { sleptMs: input.ms };
  },
};

const fail: CallOperation<z.ZodObject<{ message: z.ZodDefault<z.ZodString> }>> = {
  kind: 'call',
  description: 'Fails the task with `message`; never retried.',
  input: z.object({ message: z.string().default('Failed on purpose') }),
  async run(input) {
    throw new TaskFailedError('platform_fail', input.message, { retryable: false });
  },
};

const range: GeneratorOperation<z.ZodObject<{ count: z.ZodNumber; start: z.ZodDefault<z.ZodNumber> }>> = {
  kind: 'generator',
  description: 'Yields `count` records `{ index }`, from `start` (default 0). Streams: nothing is buffered.',
  input: z.object({ count: z.number().int().min(0).max(100_000_000), start: z.number().int().min(0).default(0) }),
  async *generate(input, ctx) {
    const end = input.start + input.count;
    for (let index = input.start; index < end; index++) {
      if (ctx.signal.aborted) return;
      yield { index };
    }
  },
};

const operations: Record<string, Operation> = { echo, transform, sleep, fail, range };

/** Registration of the platform adapter: the connector named `platform` resolves here by system type. */
export const platformAdapter: AdapterRegistration = {
  systemType: 'platform',
  category: 'platform',
  operations,
  create() {
    return { systemType: 'platform', category: 'platform', operations };
  },
};
