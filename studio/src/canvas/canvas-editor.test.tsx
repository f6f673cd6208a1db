// @vitest-environment jsdom
/**
 * Building a workflow on the canvas against a real control plane: an if/else with a join made
 * from the palette (keyboard search) and the task panel, shown in the JSON at once; undo and
 * redo; invalid JSON pauses the canvas without touching the text; save draft, compare, publish.
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/helpers/test-platform';
import { axeViolations, renderStudio, startHarness, type Harness } from '../test/studio-harness';

class NoResize {
  observe() {}
  unobserve() {}
  disconnect() {}
}
let h: Harness;
beforeAll(async () => {
  (globalThis as { ResizeObserver?: unknown }).ResizeObserver = NoResize;
  h = await startHarness();
});
afterEach(() => cleanup());
afterAll(async () => h.close());

const json = () => screen.getByLabelText(/^Definition \(JSON\)/) as HTMLTextAreaElement;
const tasksInJson = () => (JSON.parse(json().value) as { tasks: Array<{ key: string; needs?: string[]; when?: string }> }).tasks;
const node = (key: string) => document.querySelector<HTMLElement>(`.react-flow__node[data-id="${key}"]`);

async function addEcho(user: ReturnType<typeof userEvent.setup>, key: string) {
  await user.click(screen.getByRole('button', { name: 'Add task…' }));
  const search = screen.getByLabelText('Search operations and task types');
  await waitFor(() => expect(document.activeElement).toBe(search));
  await user.type(search, 'platform echo');
  await waitFor(() =>
    expect(within(screen.getByRole('list', { name: 'Operations and task types' })).getAllByRole('button').length).toBeGreaterThan(0),
  );
  await user.keyboard('{Enter}');
  const panel = await screen.findByRole('region', { name: /^Task echo/ });
  const keyField = within(panel).getByLabelText('Key');
  await user.clear(keyField);
  await user.type(keyField, `${key}{Enter}`);
  await screen.findByRole('region', { name: `Task ${key}` });
}

describe('canvas editor', () => {
  it('builds an if/else with a join, two-way with the JSON, with undo/redo, then saves a draft and publishes it', async () => {
    const user = userEvent.setup();
    const wf = await api(h.url, 'POST', '/api/workflows', {
      name: 'builder',
      tasks: [{ key: 'lookup', type: 'atomic', connector: 'platform', operation: 'echo', input: { found: true } }],
    });
    const view = renderStudio(`/workflows/${wf.body.id}`);
    await user.click(await screen.findByRole('tab', { name: 'Edit' }));
    await screen.findByRole('group', { name: 'Workflow builder: task graph' }, { timeout: 30_000 });

    // The if-branch: added after the last task, renamed, given a condition.
    await addEcho(user, 'update');
    const when = within(screen.getByRole('region', { name: 'Task update' })).getByLabelText('Runs only when (JSONata, optional)');
    await user.type(when, 'steps.lookup.found = true');
    await user.tab();
    await waitFor(() => expect(tasksInJson()[1]).toMatchObject({ key: 'update', when: 'steps.lookup.found = true' }));

    // The else-branch: choose lookup on the canvas by keyboard, then add after it.
    await waitFor(() => expect(node('lookup')).not.toBeNull());
    node('lookup')!.focus();
    fireEvent.keyDown(node('lookup')!, { key: 'Enter' });
    await screen.findByRole('region', { name: 'Task lookup' });
    await addEcho(user, 'create');
    expect(tasksInJson().map((t) => [t.key, t.needs])).toEqual([
      ['lookup', undefined],
      ['update', undefined],
      ['create', ['lookup']],
    ]);

    // The join: after create, and (by the Waits-for box) after update too.
    await addEcho(user, 'post');
    await user.click(within(screen.getByRole('region', { name: 'Task post' })).getByRole('checkbox', { name: 'update' }));
    await waitFor(() => expect(tasksInJson()[3]!.needs).toEqual(['create', 'update']));
    expect(node('post')!.getAttribute('aria-label')).toContain('after create, update');

    // Undo and redo the join's second need (Ctrl+Z on the canvas, the Redo button).
    node('post')!.focus();
    await user.keyboard('{Control>}z{/Control}');
    await waitFor(() => expect(tasksInJson()[3]!.needs).toBeUndefined());
    await user.click(screen.getByRole('button', { name: 'Redo' }));
    await waitFor(() => expect(tasksInJson()[3]!.needs).toEqual(['create', 'update']));

    // The JSON edits the canvas: a removed condition shows at once.
    const good = json().value;
    fireEvent.change(json(), { target: { value: good.replace('"when": "steps.lookup.found = true"', '"when": "steps.lookup.found"') } });
    await waitFor(() => expect(node('update')!.getAttribute('aria-label')).toContain('only when steps.lookup.found'));

    // Invalid JSON: the canvas keeps the last good graph and refuses edits; the text stays as typed.
    const broken = `${json().value.slice(0, -3)},,}`;
    fireEvent.change(json(), { target: { value: broken } });
    await screen.findByText(/the canvas shows the last one that did/);
    expect(node('post')).not.toBeNull();
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(json().value).not.toBe(broken));
    expect(() => JSON.parse(json().value)).not.toThrow();

    // Delete a task and undo it.
    node('create')!.focus();
    fireEvent.keyDown(node('create')!, { key: 'Enter' });
    await screen.findByRole('region', { name: 'Task create' });
    await user.click(screen.getByRole('button', { name: 'Delete task' }));
    await waitFor(() => expect(tasksInJson().map((t) => t.key)).toEqual(['lookup', 'update', 'post']));
    expect(tasksInJson()[2]!.needs).toEqual(['lookup', 'update']);
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(tasksInJson().map((t) => t.key)).toEqual(['lookup', 'update', 'create', 'post']));
    expect(await axeViolations(view.container)).toEqual([]);

    // Compare with the version shown, save as a draft (runs keep version 1), then publish.
    await user.click(screen.getByRole('button', { name: 'Compare with version 1' }));
    const diff = screen.getByTestId('diff');
    expect(diff.textContent).toContain('Added task update');
    expect(diff.textContent).toContain('Added task post');
    await user.click(screen.getByRole('button', { name: 'Save draft' }));
    await screen.findByText(/Draft saved .* Runs keep using version 1 until you publish\./);
    const saved = await api(h.url, 'GET', `/api/workflows/${wf.body.id}/draft`);
    expect(saved.body.definition.tasks.map((t: { key: string }) => t.key)).toEqual(['lookup', 'update', 'create', 'post']);
    expect((await api(h.url, 'GET', `/api/workflows/${wf.body.id}`)).body.version).toBe(1);
    await user.click(screen.getByRole('button', { name: 'Publish' }));
    await waitFor(() => expect(screen.getByTestId('version-line').textContent).toMatch(/^Version 2 · saved/));
    const live = (await api(h.url, 'GET', `/api/workflows/${wf.body.id}`)).body.definition;
    expect(live.tasks.find((t: { key: string }) => t.key === 'post').needs).toEqual(['create', 'update']);
    expect((await api(h.url, 'GET', `/api/workflows/${wf.body.id}/draft`)).status).toBe(404);
  }, 120_000);

  it('refuses a connection that would make a cycle, saying why', async () => {
    const user = userEvent.setup();
    const wf = await api(h.url, 'POST', '/api/workflows', {
      name: 'chain',
      tasks: [
        { key: 'a', type: 'atomic', connector: 'platform', operation: 'echo' },
        { key: 'b', type: 'atomic', connector: 'platform', operation: 'echo' },
      ],
    });
    renderStudio(`/workflows/${wf.body.id}`);
    await user.click(await screen.findByRole('tab', { name: 'Edit' }));
    await screen.findByRole('group', { name: 'Workflow builder: task graph' }, { timeout: 30_000 });
    await waitFor(() => expect(node('a')).not.toBeNull());
    node('a')!.focus();
    fireEvent.keyDown(node('a')!, { key: 'Enter' });
    await user.click(within(await screen.findByRole('region', { name: 'Task a' })).getByRole('checkbox', { name: 'b' }));
    expect((await screen.findByRole('alert')).textContent).toBe('b already waits for a: connecting them would make a cycle.');
    expect(tasksInJson().map((t) => t.needs)).toEqual([undefined, undefined]);
  });
});
