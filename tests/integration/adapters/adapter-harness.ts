/** Builds adapters from the default registry under the development network policy, and call contexts. */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { Adapter, CallOperation, GeneratorOperation, OperationContext } from '../../../shared/adapters/adapter';
import { createDefaultRegistry } from '../../../shared/adapters/registry';
import { OutboundPolicy } from '../../../shared/adapters/network-policy';

/** Tests talk to loopback servers, so adapters run under the development policy. */
export const devRegistry = createDefaultRegistry({ network: new OutboundPolicy({ allowPrivate: true }) });
/** The production policy, to prove the same adapters refuse loopback. */
export const prodRegistry = createDefaultRegistry({ network: new OutboundPolicy({ allowPrivate: false }) });

/** An adapter for a connector described inline. */
export function adapterFor(
  c: { systemType?: string; connectionType?: string; settings: Record<string, unknown>; secrets?: Record<string, unknown> },
  registry = devRegistry,
): Adapter {
  return registry.getAdapter({
    id: randomUUID(),
    name: 'test',
    settings: c.settings,
    secrets: c.secrets ?? {},
    systemType: c.systemType,
    connectionType: c.connectionType,
  });
}

/** A call context with a fresh idempotency key. */
export function ctx(overrides: Partial<OperationContext> = {}): OperationContext {
  return {
    signal: new AbortController().signal,
    idempotencyKey: randomUUID(),
    logger: pino({ level: 'silent' }),
    taskKey: 'test',
    expressionContext: {},
    ...overrides,
  };
}

/** Runs a call operation, validating its input the way the engine does. */
export async function callOp(adapter: Adapter, name: string, input: unknown, c: OperationContext = ctx()): Promise<any> {
  const op = adapter.operations[name] as CallOperation;
  if (!op || op.kind !== 'call') throw new Error(`no call operation ${name}`);
  return op.run(op.input.parse(input), c);
}

/** Collects the records of a generator operation. */
export async function collect(
  adapter: Adapter,
  name: string,
  input: unknown,
  c: OperationContext = ctx(),
): Promise<Array<Record<string, unknown>>> {
  const op = adapter.operations[name] as GeneratorOperation;
  if (!op || op.kind !== 'generator') throw new Error(`no generator operation ${name}`);
  const out: Array<Record<string, unknown>> = [];
  for await (const r of op.generate(op.input.parse(input), c)) out.push(r);
  return out;
}
