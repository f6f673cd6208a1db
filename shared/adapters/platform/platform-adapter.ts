/**
 * The built-in `platform` connector, present in every project: echo, transform, sleep, fail, range,
 * and business objects (upsertBusinessObject, queryBusinessObjects).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { TaskFailedError } from '../../domain/errors';
import { evaluate } from '../../domain/expressions';
import { BusinessObjectList } from '../../domain/business-objects-api';
import type { AdapterRegistration, CallOperation, GeneratorOperation, Operation, OperationContext } from '../adapter';

const echo: CallOperation<z.ZodRecord<z.ZodString, z.ZodUnknown>> = {
  kind: 'call',
  description: 'Returns its input unchanged.',
  input: z.record(z.string(), z.unknown()),
  output: z.record(z.string(), z.unknown()).describe('The input, unchanged.'),
  async run(input) {
    return input;
  },
};

const transform: CallOperation<z.ZodObject<{ expression: z.ZodString }>> = {
  kind: 'call',
  description: 'Evaluates a JSONata `expression` against the task context ({ input, steps, record, run }).',
  input: z.object({ expression: z.string().min(1) }),
  output: z.unknown().describe('Whatever the expression evaluates to.'),
  async run(input, ctx) {
    return evaluate(input.expression, ctx.expressionContext, ctx.taskKey);
  },
};

const sleep: CallOperation<z.ZodObject<{ ms: z.ZodNumber }>> = {
  kind: 'call',
  description: 'Waits `ms` milliseconds (at most one hour); stops early when the task is aborted.',
  input: z.object({ ms: z.number().int().min(0).max(3_600_000) }),
  output: z.object({ sleptMs: z.number().int() }),
  async run(input, ctx) {
    await delay(input.ms, undefined, { signal: ctx.signal });
    return { sleptMs: input.ms };
  },
};

const fail: CallOperation<z.ZodObject<{ message: z.ZodDefault<z.ZodString> }>> = {
  kind: 'call',
  description: 'Fails the task with `message`; never retried.',
  input: z.object({ message: z.string().default('Failed on purpose') }),
  output: z.never().describe('Never returns: the task fails.'),
  async run(input) {
    throw new TaskFailedError('platform_fail', input.message, { retryable: false });
  },
};

const range: GeneratorOperation<z.ZodObject<{ count: z.ZodNumber; start: z.ZodDefault<z.ZodNumber> }>> = {
  kind: 'generator',
  description: 'Yields `count` records `{ index }`, from `start` (default 0). Streams: nothing is buffered.',
  input: z.object({ count: z.number().int().min(0).max(100_000_000), start: z.number().int().min(0).default(0) }),
  output: z.object({ index: z.number().int() }).describe('One record.'),
  async *generate(input, ctx) {
    const end = input.start + input.count;
    for (let index = input.start; index < end; index++) {
      if (ctx.signal.aborted) return;
      yield { index };
    }
  },
};

function boAccess(ctx: OperationContext) {
  if (!ctx.services)
    throw new TaskFailedError('platform_services_missing', `Task '${ctx.taskKey}': business objects are only available inside a run.`, {
      retryable: false,
    });
  return ctx.services.businessObjects;
}

const upsertBusinessObjectInput = z.object({
  type: z.string().min(1),
  records: z.array(z.record(z.string(), z.unknown())).min(1).max(1000).optional(),
  record: z.record(z.string(), z.unknown()).optional(),
});
const upsertBusinessObject: CallOperation<typeof upsertBusinessObjectInput> = {
  kind: 'call',
  description:
    'Inserts or replaces business objects of `type` by their key field (`record` or `records`, at most 1000). Idempotent: writing equal data again changes nothing.',
  input: upsertBusinessObjectInput,
  output: z.object({ inserted: z.number(), updated: z.number(), unchanged: z.number(), keys: z.array(z.string()) }),
  async run(input, ctx) {
    const records = [...(input.records ?? []), ...(input.record ? [input.record] : [])];
    if (!records.length)
      throw new TaskFailedError('invalid_operation_input', `Task '${ctx.taskKey}': give 'record' or 'records'.`, { retryable: false });
    return boAccess(ctx).upsert(input.type, records, !input.records && !!input.record);
  },
};

const queryBusinessObjectsInput = z.object({
  type: z.string().min(1),
  filter: z.record(z.string(), z.unknown()).optional(),
  limit: z.number().int().min(1).max(500).default(100),
  cursor: z.string().optional(),
});
const queryBusinessObjects: CallOperation<typeof queryBusinessObjectsInput> = {
  kind: 'call',
  description: 'Reads business objects of `type` in key order whose data contains `filter`; one page of `limit`, continue with `cursor`.',
  input: queryBusinessObjectsInput,
  output: BusinessObjectList,
  async run(input, ctx) {
    return boAccess(ctx).query(input.type, input);
  },
};

const operations: Record<string, Operation> = { echo, transform, sleep, fail, range, upsertBusinessObject, queryBusinessObjects };

/** Registration of the platform adapter: the connector named `platform` resolves here by system type. */
export const platformAdapter: AdapterRegistration = {
  systemType: 'platform',
  category: 'platform',
  operations,
  create() {
    return { systemType: 'platform', category: 'platform', operations };
  },
};
