/**
 * A test adapter whose operations have observable effects, for the reliability tests: calls are
 * counted per idempotency key, aborts are recorded, concurrency is measured. Registered beside the
 * platform adapter through the platform overrides.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import type { AdapterRegistration, ConnectorDescriptor, Operation } from '../../../shared/adapters/adapter';
import { platformAdapter } from '../../../shared/adapters/platform/platform-adapter';
import { AdapterRegistry } from '../../../shared/adapters/resolve-adapter';
import { TaskFailedError } from '../../../shared/domain/errors';
import { PLATFORM_CONNECTOR, type ConnectorDirectory } from '../../../shared/connectors/connector-lookup';

export interface ProbeState {
  calls: Map<string, number>;
  aborts: Array<{ key: string; reason: string }>;
  active: Map<string, number>;
  maxActive: Map<string, number>;
  /** Gates closed by name: `gate` calls fail (non-retryable) while theirs is closed. */
  closed: Set<string>;
}

export function probeState(): ProbeState {
  return { calls: new Map(), aborts: [], active: new Map(), maxActive: new Map(), closed: new Set() };
}

const count = (m: Map<string, number>, k: string, d = 1) => m.set(k, (m.get(k) ?? 0) + d);

/** The probe adapter bound to `state`. */
export function probeAdapter(state: ProbeState): AdapterRegistration {
  const wait = async (ms: number, signal: AbortSignal, key: string) => {
    try {
      await delay(ms, undefined, { signal });
    } catch (err) {
      state.aborts.push({ key, reason: String((signal.reason as Error)?.message ?? err) });
      throw err;
    }
  };
  const operations: Record<string, Operation> = {
    // Fails `failTimes` times per idempotency key (retryable), then returns the call count.
    flaky: {
      kind: 'call',
      description: 'fails failTimes times, then succeeds',
      input: z.object({ failTimes: z.number().int() }),
      async run(input: { failTimes: number }, ctx) {
        const n = (count(state.calls, ctx.idempotencyKey), state.calls.get(ctx.idempotencyKey)!);
        if (n <= input.failTimes) throw new TaskFailedError('flaky', `failure ${n}`, { retryable: true });
        return { calls: n };
      },
    },
    fatal: {
      kind: 'call',
      description: 'fails, never retryable',
      input: z.object({}),
      async run(_input, ctx) {
        count(state.calls, ctx.idempotencyKey);
        throw new TaskFailedError('fatal', 'no point trying again', { retryable: false });
      },
    },
    hang: {
      kind: 'call',
      description: 'waits ms unless aborted',
      input: z.object({ ms: z.number().int() }),
      async run(input: { ms: number }, ctx) {
        count(state.calls, ctx.idempotencyKey);
        await wait(input.ms, ctx.signal, ctx.idempotencyKey);
        return { waited: input.ms };
      },
    },
    // Measures how many calls of `group` run at once.
    track: {
      kind: 'call',
      description: 'counts concurrency per group',
      input: z.object({ group: z.string(), ms: z.number().int() }),
      async run(input: { group: string; ms: number }, ctx) {
        count(state.calls, ctx.idempotencyKey);
        count(state.active, input.group);
        state.maxActive.set(input.group, Math.max(state.maxActive.get(input.group) ?? 0, state.active.get(input.group)!));
        try {
          await wait(input.ms, ctx.signal, ctx.idempotencyKey);
        } finally {
          count(state.active, input.group, -1);
        }
        return { group: input.group };
      },
    },
    gate: {
      kind: 'call',
      description: 'fails while the named gate is closed',
      input: z.object({ name: z.string() }),
      async run(input: { name: string }, ctx) {
        count(state.calls, `${input.name}`);
        count(state.calls, ctx.idempotencyKey);
        if (state.closed.has(input.name)) throw new TaskFailedError('gate_closed', `gate ${input.name} is closed`, { retryable: false });
        return { passed: input.name };
      },
    },
  };
  return {
    systemType: 'probe',
    category: 'platform',
    operations,
    create: () => ({ systemType: 'probe', category: 'platform', operations }),
  };
}

/** Registry and connector directory with `platform` and `probe` (whose calls are limited to `maxInFlight`). */
export function probeOverrides(state: ProbeState, maxInFlight?: number) {
  const probe: ConnectorDescriptor = {
    id: `probe-${Math.random().toString(36).slice(2)}`,
    name: 'probe',
    systemType: 'probe',
    settings: {},
    secrets: {},
    maxInFlight,
  };
  const connectors: ConnectorDirectory = {
    async find(_org, _project, name) {
      return name === 'platform' ? PLATFORM_CONNECTOR : name === 'probe' ? probe : null;
    },
  };
  return { registry: new AdapterRegistry([platformAdapter, probeAdapter(state)]), connectors };
}
