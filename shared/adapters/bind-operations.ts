/**
 * Adapters write each operation once, against the connector it will run for. `declareOperations`
 * gives the registry the declarations (schemas, kinds) without a connector; `bindOperations`
 * gives a live adapter the same operations bound to one connector's settings and secrets.
 */
import type { z } from 'zod';
import { TaskFailedError } from '../domain/errors';
import type { CallOperation, GeneratorOperation, Operation, OperationContext } from './adapter';

/** A `call` operation written against a bound connection value `B`. */
export interface BoundCall<B, I extends z.ZodType = z.ZodType> {
  kind: 'call';
  description: string;
  input: I;
  output?: z.ZodType;
  run(input: z.infer<I>, ctx: OperationContext, bound: B): Promise<unknown>;
}

/** A `generator` operation written against a bound connection value `B`. */
export interface BoundGenerator<B, I extends z.ZodType = z.ZodType> {
  kind: 'generator';
  description: string;
  input: I;
  output?: z.ZodType;
  generate(input: z.infer<I>, ctx: OperationContext, bound: B): AsyncIterable<Record<string, unknown>>;
}

export type BoundOperation<B> = BoundCall<B, any> | BoundGenerator<B, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Helper keeping the input type of one call operation. */
export function call<B, I extends z.ZodType>(op: Omit<BoundCall<B, I>, 'kind'>): BoundCall<B, I> {
  return { kind: 'call', ...op };
}

/** Helper keeping the input type of one generator operation. */
export function generator<B, I extends z.ZodType>(op: Omit<BoundGenerator<B, I>, 'kind'>): BoundGenerator<B, I> {
  return { kind: 'generator', ...op };
}

/** The operations bound to one connection value. */
export function bindOperations<B>(ops: Readonly<Record<string, BoundOperation<B>>>, bound: B): Record<string, Operation> {
  return Object.fromEntries(
    Object.entries(ops).map(([name, op]) => {
      const { description, input, output } = op;
      const base = { description, input, ...(output ? { output } : {}) };
      if (op.kind === 'call')
        return [name, { ...base, kind: 'call', run: (i: unknown, ctx: OperationContext) => op.run(i, ctx, bound) } satisfies CallOperation];
      return [
        name,
        {
          ...base,
          kind: 'generator',
          generate: (i: unknown, ctx: OperationContext) => op.generate(i, ctx, bound),
        } satisfies GeneratorOperation,
      ];
    }),
  );
}

/** The declarations, for validation and forms; calling one without a connector is a bug and says so. */
export function declareOperations<B>(ops: Readonly<Record<string, BoundOperation<B>>>): Record<string, Operation> {
  const unbound = () => {
    throw new TaskFailedError(
      'operation_unbound',
      'This operation declaration is not bound to a connector; get the adapter from the registry.',
      { retryable: false },
    );
  };
  return bindOperations(ops, new Proxy({}, { get: unbound }) as B);
}
