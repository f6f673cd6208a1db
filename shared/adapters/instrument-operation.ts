/**
 * Wraps an adapter operation so each call is a span (`adapter <system>.<operation>`) and a
 * latency measurement. The engine wraps the operation it resolved; when neither tracing nor
 * metrics is on the operation is returned untouched, so an uninstrumented run allocates nothing.
 */
import type { Operation } from './adapter';
import { recordAdapterCall, metricsActive } from '../observability/metrics';
import { SpanKind, tracingActive, withSpan } from '../observability/tracing';

/** The operation with its calls traced and timed (or itself, when telemetry is off). */
export function instrumentOperation(systemType: string, name: string, op: Operation): Operation {
  if (!tracingActive() && !metricsActive()) return op;
  const spanName = `adapter ${systemType}.${name}`;
  const attributes = { 'demiton.adapter': systemType, 'demiton.operation': name };
  if (op.kind === 'call') {
    return {
      ...op,
      run: (input, ctx) => {
        const t = performance.now();
        return withSpan(spanName, { ...attributes, 'demiton.task': ctx.taskKey }, () => op.run(input, ctx), SpanKind.CLIENT).then(
          (v) => {
            recordAdapterCall(systemType, name, performance.now() - t, 'ok');
            return v;
          },
          (err: unknown) => {
            recordAdapterCall(systemType, name, performance.now() - t, 'error');
            throw err;
          },
        );
      },
    };
  }
  return {
    ...op,
    // A generator streams; its span covers opening the stream (the first record), not every record.
    generate: (input, ctx) => {
      const source = op.generate(input, ctx);
      return {
        [Symbol.asyncIterator]() {
          const it = source[Symbol.asyncIterator]();
          let first = true;
          return {
            next: () => {
              if (!first) return it.next();
              first = false;
              const t = performance.now();
              return withSpan(spanName, { ...attributes, 'demiton.task': ctx.taskKey }, () => it.next(), SpanKind.CLIENT).then(
                (v) => {
                  recordAdapterCall(systemType, name, performance.now() - t, 'ok');
                  return v;
                },
                (err: unknown) => {
                  recordAdapterCall(systemType, name, performance.now() - t, 'error');
                  throw err;
                },
              );
            },
            return: (v?: unknown) => it.return?.(v) ?? Promise.resolve({ done: true as const, value: undefined }),
            throw: (e?: unknown) => it.throw?.(e) ?? Promise.reject(e),
          };
        },
      };
    },
  };
}
