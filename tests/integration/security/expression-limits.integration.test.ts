/**
 * Attack: a workflow definition that freezes the platform. The worker and the HTTP host share
 * one process and one event loop here, as they do in the Functions host, and HTTP triggers are
 * sent and timed all through each attack. A recursive function that never ends, a 2^30-element
 * construction and an exponential regex (`(a+)+$` on 'aaaa…!', in a JSONata `$match` and in an
 * input-schema `pattern` checked on the trigger) each end within the bound, the expressions with
 * `expression_limit` on the first attempt (not retried), while triggers keep answering. What is
 * unbounded on its face is refused on save.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXPRESSION_LIMITS } from '../../../shared/domain/expressions';
import { api, startTestStack, waitFor, type TestStack } from '../../helpers/test-platform';

vi.setConfig({ testTimeout: 90_000 });

let stack: TestStack;
let echoId: string;

beforeAll(async () => {
  stack = await startTestStack({ concurrency: 4 });
  echoId = (
    await api(stack.host.url, 'POST', '/api/workflows', {
      name: 'echo',
      tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: {} }],
    })
  ).body.id;
});

afterAll(async () => {
  await stack?.close();
});

const transform = (name: string, expression: string) => ({
  name,
  tasks: [
    {
      key: 'attack',
      type: 'atomic',
      connector: 'platform',
      operation: 'transform',
      input: { expression },
      retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 10 },
    },
  ],
});

/** POSTs a trigger every 50 ms until `done` resolves; returns every trigger's latency (ms). */
async function triggerLatencies(done: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let finished = false;
  void done.finally(() => (finished = true));
  while (!finished) {
    const t = performance.now();
    const r = await api(stack.host.url, 'POST', `/api/workflows/${echoId}/runs`, { input: {} });
    latencies.push(performance.now() - t);
    expect(r.status).toBe(202);
    await new Promise((ok) => setTimeout(ok, 50));
  }
  return latencies;
}

async function attack(expression: string) {
  const wf = await api(stack.host.url, 'POST', '/api/workflows', transform(`attack-${Math.random()}`, expression));
  expect(wf.status).toBe(201);
  const started = performance.now();
  const trig = await api(stack.host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { s: `${'a'.repeat(40)}!` } });
  expect(trig.status).toBe(202);
  const ended = waitFor(async () => {
    const r = await api(stack.host.url, 'GET', `/api/runs/${trig.body.id}`);
    return ['SUCCEEDED', 'FAILED'].includes(r.body.status) ? r.body : null;
  }, 60_000);
  const latencies = await triggerLatencies(ended);
  const run = await ended;
  return { run, tookMs: performance.now() - started, latencies };
}

describe('a definition cannot freeze the platform', () => {
  it('a recursive function that never ends fails with expression_limit within the bound, once, while triggers answer', async () => {
    const { run, tookMs, latencies } = await attack('($f := function($n){ $f($n + 1) }; $f(0))');
    expect(run.status).toBe('FAILED');
    expect(run.tasks[0].error.code).toBe('expression_limit');
    expect(run.tasks[0].attempts).toBe(1);
    expect(tookMs).toBeLessThan(EXPRESSION_LIMITS.timeMs + 5_000);
    expect(latencies.length).toBeGreaterThan(10);
    // Evaluation yields every `sliceMs`: a trigger waits for a slice, not for the whole attack.
    expect(Math.max(...latencies)).toBeLessThan(1_500);
  });

  it('non-tail recursion fails at the depth bound', async () => {
    const { run } = await attack('($f := function($n){ 1 + $f($n + 1) }; $f(0))');
    expect(run.status).toBe('FAILED');
    expect(run.tasks[0].error.code).toBe('expression_limit');
  });

  it('a 2^30-element sequence built by doubling fails with expression_limit', async () => {
    const { run, tookMs, latencies } = await attack(
      '($f := function($a, $n){ $n = 0 ? $count($a) : $f($append($a, $a), $n - 1) }; $f([1], 30))',
    );
    expect(run.status).toBe('FAILED');
    expect(run.tasks[0].error.code).toBe('expression_limit');
    expect(run.tasks[0].attempts).toBe(1);
    expect(tookMs).toBeLessThan(EXPRESSION_LIMITS.timeMs + 5_000);
    expect(Math.max(...latencies)).toBeLessThan(1_500);
  });

  it('a 2^30-character string built by doubling, or by $pad, fails with expression_limit', async () => {
    for (const expression of [
      '($f := function($s, $n){ $n = 0 ? $length($s) : $f($s & $s, $n - 1) }; $f("a", 30))',
      '$pad("", $power(2, 30))',
    ]) {
      const { run } = await attack(expression);
      expect(run.status).toBe('FAILED');
      expect(run.tasks[0].error.code).toBe('expression_limit');
    }
  });

  it('an exponential regex in $match runs in linear time (RE2): the run ends at once, triggers answer', async () => {
    // On V8's backtracking engine, (a+)+$ against 40 a's and a '!' takes 2^40 steps.
    const { run, tookMs, latencies } = await attack('$match(input.s, /(a+)+$/)');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toBeNull();
    expect(tookMs).toBeLessThan(5_000);
    expect(Math.max(...latencies)).toBeLessThan(1_500);
  });

  it('an exponential input-schema pattern is checked in linear time on the trigger', async () => {
    const wf = await api(stack.host.url, 'POST', '/api/workflows', {
      name: 'pattern',
      inputSchema: { type: 'object', properties: { s: { type: 'string', pattern: '^(a+)+$' } } },
      tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: {} }],
    });
    expect(wf.status).toBe(201);
    const t = performance.now();
    const r = await api(stack.host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { s: `${'a'.repeat(5_000)}!` } });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('invalid_run_input');
    expect(performance.now() - t).toBeLessThan(2_000);
    expect((await api(stack.host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { s: 'aaaa' } })).status).toBe(202);
  });

  it('refuses on save what is unbounded on its face, with the path', async () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [transform('backref', '$match(input.s, /(a+)\\1/)'), 'tasks[0].input.expression', /not accepted/],
      [transform('lookahead', '$replace(input.s, /(?=a)/, "b")'), 'tasks[0].input.expression', /not accepted/],
      [transform('range', '$count([1..1073741824])'), 'tasks[0].input.expression', /1073741824 items/],
      [
        {
          name: 'mapped',
          tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: { x: '{{ $pad("", 1073741824) }}' } }],
        },
        'tasks[0].input.x',
        /\$pad/,
      ],
      [
        {
          name: 'schema',
          inputSchema: { type: 'string', pattern: '(a)\\1' },
          tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: {} }],
        },
        'inputSchema',
        /not accepted/,
      ],
    ];
    for (const [body, path, message] of cases) {
      const r = await api(stack.host.url, 'POST', '/api/workflows', body);
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      expect(r.body.code).toBe('invalid_definition');
      expect(r.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.stringMatching(message) })]));
    }
  });
});
