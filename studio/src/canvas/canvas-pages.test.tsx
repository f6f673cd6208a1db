// @vitest-environment jsdom
/**
 * The task graph on the workflow page and the run page, against a real control plane with a
 * worker: an if/else with a join drawn with its conditions, the run's states on the nodes (the
 * branch not taken SKIPPED), and a chosen node's details (state, attempts, condition, input
 * mapping, output) by mouse and by keyboard; a failed task's Retry from here and Edit and replay
 * (an input the schema refuses reruns nothing).
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../../shared/engine/worker';
import { api, waitFor as until } from '../../../tests/helpers/test-platform';
import { axeViolations, renderStudio, startHarness, type Harness } from '../test/studio-harness';

// jsdom has no layout: React Flow needs ResizeObserver to exist (sizes come from the nodes' own width and height).
class NoResize {
  observe() {}
  unobserve() {}
  disconnect() {}
}
let h: Harness;
let worker: Worker;
beforeAll(async () => {
  (globalThis as { ResizeObserver?: unknown }).ResizeObserver = NoResize;
  h = await startHarness();
  worker = new Worker(h.platform, { concurrency: 2, pollMs: 50 });
  worker.start();
});
afterEach(() => cleanup());
afterAll(async () => {
  await worker.stop();
  await h.close();
});

const upsert = {
  name: 'upsert-if-exists',
  inputSchema: { type: 'object', properties: { exists: { type: 'boolean' } } },
  tasks: [
    { key: 'lookup', type: 'atomic', connector: 'platform', operation: 'echo', input: { found: '{{ input.exists }}' } },
    {
      key: 'update',
      type: 'atomic',
      connector: 'platform',
      operation: 'echo',
      needs: ['lookup'],
      when: 'steps.lookup.found = true',
      input: { did: 'update' },
    },
    {
      key: 'create',
      type: 'atomic',
      connector: 'platform',
      operation: 'echo',
      needs: ['lookup'],
      when: 'steps.lookup.found != true',
      input: { did: 'create' },
    },
    { key: 'post', type: 'atomic', connector: 'platform', operation: 'echo', needs: ['update', 'create'], input: { done: true } },
    { key: 'alert', type: 'atomic', connector: 'platform', operation: 'echo', needs: ['post'], runAfter: 'failure' },
  ],
};

const node = (key: string) => document.querySelector<HTMLElement>(`.react-flow__node[data-id="${key}"]`);

describe('task graph', () => {
  it('draws the workflow as a graph: conditions on the branches, the handler marked, needs named', async () => {
    const wf = await api(h.url, 'POST', '/api/workflows', upsert);
    expect(wf.status).toBe(201);
    const view = renderStudio(`/workflows/${wf.body.id}`);
    // The first render loads the canvas chunk (transformed on demand here): allow for it.
    await screen.findByRole('group', { name: 'Task graph of upsert-if-exists' }, { timeout: 30_000 });
    await waitFor(() => expect(node('post')).not.toBeNull());
    expect(node('update')!.getAttribute('aria-label')).toBe(
      'Task update, atomic, platform · echo, after lookup, only when steps.lookup.found = true',
    );
    expect(within(node('create')!).getByText('steps.lookup.found != true')).toBeTruthy();
    expect(node('post')!.getAttribute('aria-label')).toContain('after update, create');
    expect(within(node('alert')!).getByText('on failure')).toBeTruthy();
    expect(node('alert')!.querySelector('.canvas-node.role-handler')).not.toBeNull();
    // Edges need measured handles, which jsdom cannot give: tests/e2e/canvas.integration.test.ts checks them in Chromium.
    expect(await axeViolations(view.container)).toEqual([]);
  });

  it('shows the run on the graph, the branch not taken skipped, and a chosen task details by mouse and keyboard', async () => {
    const wf = await api(h.url, 'POST', '/api/workflows', { ...upsert, name: 'upsert-run' });
    const run = await api(h.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { exists: true } });
    await until(async () => ((await api(h.url, 'GET', `/api/runs/${run.body.id}`)).body.status === 'SUCCEEDED' ? true : null), 30_000, 100);
    const view = renderStudio(`/runs/${run.body.id}`);
    await screen.findByRole('group', { name: 'Task graph of this run' }, { timeout: 30_000 });
    await waitFor(() => expect(node('create')?.getAttribute('aria-label')).toMatch(/status SKIPPED$/));
    expect(node('update')!.getAttribute('aria-label')).toMatch(/status SUCCEEDED$/);
    expect(node('create')!.querySelector('.canvas-node.state-skipped')).not.toBeNull();
    expect(within(node('create')!).getByText('Skipped')).toBeTruthy();
    expect(within(node('update')!).getByText(/1 attempt ·/)).toBeTruthy();

    // A click without the pointer-down (d3-zoom reads the event's window, which jsdom's synthetic pointer events lack).
    fireEvent.click(node('update')!);
    const details = await screen.findByRole('region', { name: 'Details of task update' });
    expect(within(details).getByText('Succeeded')).toBeTruthy();
    expect(within(details).getByLabelText('Output of task update (details)').textContent).toContain('"did": "update"');
    expect(within(details).getByLabelText('Input mapping of task update').textContent).toContain('"did": "update"');

    // Keyboard: focus the skipped node and press Enter.
    node('create')!.focus();
    fireEvent.keyDown(node('create')!, { key: 'Enter' });
    const skipped = await screen.findByRole('region', { name: 'Details of task create' });
    expect(skipped.textContent).toContain('Runs only when steps.lookup.found != true — it was false, so the task was skipped.');
    expect(await axeViolations(view.container)).toEqual([]);
  });
});

describe('replaying a failed task from the run graph', () => {
  it('offers Retry from here (the run’s version, from that task), and Edit and replay refuses an input the schema rejects, rerunning nothing', async () => {
    const wf = await api(h.url, 'POST', '/api/workflows', {
      name: 'fails-at-b',
      inputSchema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
      tasks: [
        { key: 'a', type: 'atomic', connector: 'platform', operation: 'echo', input: { n: '{{ input.n }}' } },
        { key: 'b', type: 'atomic', connector: 'platform', operation: 'fail', input: { message: 'b is broken' } },
      ],
    });
    const run = await api(h.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { n: 1 } });
    const read = async () => (await api(h.url, 'GET', `/api/runs/${run.body.id}`)).body;
    await until(async () => ((await read()).status === 'FAILED' ? true : null), 30_000, 100);
    const view = renderStudio(`/runs/${run.body.id}`);
    await screen.findByRole('group', { name: 'Task graph of this run' }, { timeout: 30_000 });
    await waitFor(() => expect(node('b')?.getAttribute('aria-label')).toMatch(/status FAILED$/));

    // A succeeded task offers neither.
    fireEvent.click(node('a')!);
    const ok = await screen.findByRole('region', { name: 'Details of task a' });
    expect(within(ok).queryByRole('button', { name: 'Retry from here' })).toBeNull();

    fireEvent.click(node('b')!);
    const details = await screen.findByRole('region', { name: 'Details of task b' });
    fireEvent.click(within(details).getByRole('button', { name: 'Edit and replay…' }));
    const form = within(details).getByRole('form', { name: 'Edit and replay from task b' });
    expect((within(form).getByRole('radio', { name: /the run's version \(1\)/ }) as HTMLInputElement).checked).toBe(true);
    fireEvent.change(within(form).getByLabelText('Input of the replay (JSON)'), { target: { value: '{"n": "not a number"}' } });
    expect(await axeViolations(view.container)).toEqual([]);
    fireEvent.click(within(form).getByRole('button', { name: 'Replay' }));
    expect((await within(form).findByRole('alert')).textContent).toMatch(/n/);
    expect((await read()).attempt).toBe(1);

    fireEvent.click(within(details).getByRole('button', { name: 'Retry from here' }));
    await until(
      async () => {
        const r = await read();
        return r.attempt === 2 && r.status === 'FAILED' ? r : null;
      },
      30_000,
      100,
    );
    const after = await read();
    // From b: a kept its output and did not run again.
    expect(after.tasks.find((t: { key: string }) => t.key === 'a').attempts).toBe(1);
    expect(after.tasks.find((t: { key: string }) => t.key === 'a').output).toEqual({ n: 1 });
    await waitFor(() => expect(screen.getByTestId('run-attempt').textContent).toBe('2'));
  });
});
