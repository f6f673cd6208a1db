import { Writable } from 'node:stream';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, lazyChild, scrubUrlCredentials } from './logger';
import { installTracerProvider, uninstallTracerProvider, withSpan } from './observability/tracing';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk, _e, cb) {
      raw.push(String(chunk));
      lines.push(JSON.parse(String(chunk)));
      cb();
    },
  });
  return { lines, raw, logger: createLogger('debug', { service: 'test' }, sink) };
}

afterEach(() => uninstallTracerProvider());

describe('logger', () => {
  it('writes JSON with the context ids of child loggers', () => {
    const { lines, logger } = capture();
    logger.child({ orgId: 'o1', runId: 'r1' }).child({ taskKey: 't1' }).info('hello');
    expect(lines[0]).toMatchObject({ service: 'test', orgId: 'o1', runId: 'r1', taskKey: 't1', msg: 'hello', level: 30 });
  });

  it('makes a lazy child only when it writes at an enabled level, with the same lines as a child', () => {
    const { lines, logger } = capture();
    let made = 0;
    const child = logger.child;
    logger.child = function (this: typeof logger, ...args: Parameters<typeof logger.child>) {
      made++;
      return child.apply(this, args);
    } as typeof logger.child;
    const lazy = lazyChild(logger, { runId: 'r1', token: 'secret-token' });
    lazy.trace({ x: 1 }, 'below the level');
    expect(lazy.isLevelEnabled('trace')).toBe(false);
    expect(made).toBe(0);
    lazy.debug({ status: 'SUCCEEDED' }, 'run finished');
    expect(made).toBe(1);
    lazy.info('again, from the same child');
    expect(made).toBe(1);
    lazy.child({ taskKey: 't1' }).info('from a grandchild');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ runId: 'r1', token: '[redacted]', status: 'SUCCEEDED', msg: 'run finished', level: 20 });
    expect(lines[2]).toMatchObject({ runId: 'r1', taskKey: 't1', msg: 'from a grandchild' });
  });

  it('redacts secrets at the top level, one level down and in headers', () => {
    const { raw, logger } = capture();
    logger.info(
      {
        password: 'pw-1',
        token: 'tok-2',
        connector: { secrets: { key: 'sec-3' }, clientSecret: 'cs-4', connectionString: 'Endpoint=sb://x;SharedAccessKey=sak-5' },
        headers: { authorization: 'Bearer jwt-6', 'x-functions-key': 'fk-7' },
      },
      'configured',
    );
    const text = raw.join('');
    for (const secret of ['pw-1', 'tok-2', 'sec-3', 'cs-4', 'sak-5', 'jwt-6', 'fk-7']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });

  it('scrubs credentials from URLs in logged errors', () => {
    const { raw, logger } = capture();
    logger.error({ err: new Error('connect to postgres://demiton:hunter2@db:5432/x failed') }, 'boom');
    expect(raw.join('')).not.toContain('hunter2');
    expect(raw.join('')).toContain('postgres://demiton:[redacted]@db:5432/x');
    expect(scrubUrlCredentials('rediss://:k3y@cache:10000')).toBe('rediss://:[redacted]@cache:10000');
  });

  it('adds trace and span ids inside a span, and nothing outside one', async () => {
    const { lines, logger } = capture();
    logger.info('before');
    installTracerProvider(new BasicTracerProvider());
    await withSpan('work', {}, async () => logger.info('inside'));
    logger.info('after');
    expect(lines[0]!['traceId']).toBeUndefined();
    expect(lines[1]!['traceId']).toMatch(/^[0-9a-f]{32}$/);
    expect(lines[1]!['spanId']).toMatch(/^[0-9a-f]{16}$/);
    expect(lines[2]!['traceId']).toBeUndefined();
  });
});
