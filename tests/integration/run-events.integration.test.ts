/**
 * GET /api/runs/{id}/events: the live feed as Server-Sent Events over the local host (the same
 * handler Azure Functions streams), on real PostgreSQL and Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestStack, type TestStack } from '../helpers/test-platform';

let stack: TestStack;
let host: TestStack['host'];

beforeAll(async () => {
  stack = await startTestStack({ concurrency: 4, pollMs: 50 });
  ({ host } = stack);
});

afterAll(() => stack.close());

interface Sse {
  event: string;
  data: any;
  id?: string;
}

/** Reads the whole stream (until the server closes it) and parses its frames. */
async function readEvents(res: Response): Promise<{ events: Sse[]; raw: string }> {
  const raw = await res.text();
  const events: Sse[] = [];
  for (const block of raw.split('\n\n')) {
    const lines = block.split('\n').filter((l) => l && !l.startsWith(':'));
    const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
    const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
    const id = lines.find((l) => l.startsWith('id: '))?.slice(4);
    if (event && data) events.push({ event, data: JSON.parse(data), ...(id ? { id } : {}) });
  }
  return { events, raw };
}

describe('GET /api/runs/{id}/events', () => {
  it('streams a snapshot, task and chunk progress, then end, and closes when the run finishes', async () => {
    await api(host.url, 'POST', '/api/workflows', {
      name: 'slow-child',
      tasks: [{ key: 's', type: 'atomic', connector: 'platform', operation: 'sleep', input: { ms: 400 } }],
    });
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'watched',
      tasks: [
        { key: 'wait', type: 'atomic', connector: 'platform', operation: 'sleep', input: { ms: 700 } },
        {
          key: 'fan',
          type: 'chunked',
          generator: { connector: 'platform', operation: 'range', input: { count: 10 } },
          each: { workflow: 'slow-child' },
          concurrency: 2,
        },
      ],
    });
    const trig = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, {});
    const res = await fetch(`${host.url}/api/runs/${trig.body.id}/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('cache-control')).toContain('no-cache');
    const { events, raw } = await readEvents(res);

    expect(raw.startsWith('retry: 1000\n')).toBe(true);
    expect(events[0]!.event).toBe('snapshot');
    expect(events[0]!.data.id).toBe(trig.body.id);
    expect(events[0]!.data.tasks.map((t: { key: string }) => t.key)).toEqual(['wait', 'fan']);
    expect(events.at(-1)).toMatchObject({ event: 'end', data: { status: 'SUCCEEDED' } });
    // ids increase by one, so a client can tell it missed nothing.
    expect(events.map((e) => Number(e.id))).toEqual(events.map((_, i) => i + 1));

    const runEvents = events.filter((e) => e.event === 'run');
    expect(runEvents.at(-1)!.data.status).toBe('SUCCEEDED');
    expect(runEvents.every((e) => e.data.tasks === undefined)).toBe(true);
    // 'wait' sleeps 700 ms at 500 ms polls: RUNNING is seen (in the snapshot or a task event), then SUCCEEDED.
    const waitStates = [
      events[0]!.data.tasks[0].status,
      ...events.filter((e) => e.event === 'task' && e.data.key === 'wait').map((e) => e.data.status),
    ];
    expect(waitStates).toContain('RUNNING');
    expect(waitStates.at(-1)).toBe('SUCCEEDED');
    const fan = events.filter((e) => e.event === 'task' && e.data.key === 'fan').map((e) => e.data);
    expect(fan.at(-1)).toMatchObject({ status: 'SUCCEEDED', chunks: { total: 10, succeeded: 10, failed: 0, running: 0 } });
    // Ten 400 ms chunks two at a time take about two seconds, so 500 ms polls see them part-way.
    expect(fan.some((t) => t.chunks && t.chunks.succeeded > 0 && t.chunks.succeeded < 10)).toBe(true);
  });

  it('sends the snapshot and end at once for a finished run', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'quick',
      tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'fail' }],
    });
    const trig = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, {});
    // Wait for it to finish through the ordinary read.
    for (let i = 0; i < 300; i++) {
      if ((await api(host.url, 'GET', `/api/runs/${trig.body.id}`)).body.status === 'FAILED') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const { events } = await readEvents(await fetch(`${host.url}/api/runs/${trig.body.id}/events`));
    expect(events.map((e) => e.event)).toEqual(['snapshot', 'end']);
    expect(events[0]!.data.error.code).toBe('platform_fail');
    expect(events[1]!.data).toEqual({ status: 'FAILED' });
  });

  it('answers 404 problem+json, not an empty stream, for a run that does not exist', async () => {
    const res = await api(host.url, 'GET', '/api/runs/00000000-0000-4000-8000-0000000000aa/events');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.code).toBe('run_not_found');
    expect((await api(host.url, 'GET', '/api/runs/not-a-uuid/events')).status).toBe(400);
  });

  it('stops when the client goes away, and the host keeps serving', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'long',
      tasks: [{ key: 's', type: 'atomic', connector: 'platform', operation: 'sleep', input: { ms: 1500 } }],
    });
    const trig = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, {});
    const ctrl = new AbortController();
    const res = await fetch(`${host.url}/api/runs/${trig.body.id}/events`, { signal: ctrl.signal });
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('event: snapshot');
    ctrl.abort();
    await reader.closed.catch(() => undefined);
    expect((await api(host.url, 'GET', `/api/runs/${trig.body.id}`)).status).toBe(200);
  });
});
