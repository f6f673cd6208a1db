// @vitest-environment jsdom
/**
 * Expressions in the canvas editor's task panel, against a real control plane with a worker: a
 * workflow that ran once, a task chosen by keyboard, its condition and its transform expression in
 * the CodeMirror editor (lazily loaded): completion of steps.* lists the steps it needs (through
 * its needs too) and not a parallel one, from the operation's output schema or the last run's
 * output; previews evaluate against that run; a parse error is listed; a value switched to an
 * expression lands in the JSON; axe on the panel.
 */
import { startCompletion } from '@codemirror/autocomplete';
import { EditorView } from '@codemirror/view';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '../../../shared/engine/worker';
import { api, waitFor as until } from '../../../tests/helpers/test-platform';
import { axeViolations, renderStudio, startHarness, type Harness } from '../test/studio-harness';

class NoResize {
  observe() {}
  unobserve() {}
  disconnect() {}
}
let h: Harness;
let worker: Worker;
beforeAll(async () => {
  (globalThis as { ResizeObserver?: unknown }).ResizeObserver = NoResize;
  // CodeMirror positions its cursor with Range rectangles, which jsdom lacks (without them the panel keeps plain fields).
  const rect = () => ({ x: 0, y: 0, top: 0, left: 0, right: 0, bottom: 0, width: 0, height: 0, toJSON: () => ({}) }) as DOMRect;
  Range.prototype.getBoundingClientRect = rect;
  Range.prototype.getClientRects = () =>
    ({ length: 0, item: () => null, [Symbol.iterator]: [][Symbol.iterator] }) as unknown as DOMRectList;
  h = await startHarness();
  worker = new Worker(h.platform, { concurrency: 2, pollMs: 50 });
  worker.start();
});
afterEach(() => cleanup());
afterAll(async () => {
  await worker.stop();
  await h.close();
});

const definition = {
  name: 'expressions-in-panel',
  inputSchema: { type: 'object', properties: { customer: { type: 'string', description: 'Customer id' } } },
  tasks: [
    { key: 'lookup', type: 'atomic', connector: 'platform', operation: 'echo', input: { id: '{{ input.customer }}', found: true } },
    { key: 'side', type: 'atomic', connector: 'platform', operation: 'echo', needs: [], input: { other: 1 } },
    { key: 'nap', type: 'atomic', connector: 'platform', operation: 'sleep', needs: ['lookup'], input: { ms: 0 } },
    { key: 'calc', type: 'atomic', connector: 'platform', operation: 'transform', input: { expression: 'steps.lookup.id' } },
  ],
};

const json = () => screen.getByLabelText(/^Definition \(JSON\)/) as HTMLTextAreaElement;
const taskInJson = (key: string) =>
  (JSON.parse(json().value) as { tasks: Array<Record<string, unknown>> }).tasks.find((t) => t.key === key)!;
const viewOf = (el: Element) => EditorView.findFromDOM(el.closest<HTMLElement>('.cm-editor')!)!;

async function completionsIn(view: EditorView, text: string): Promise<string[]> {
  act(() => {
    view.focus();
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: text.length } });
    startCompletion(view);
  });
  const list = await screen.findByRole('listbox');
  const labels = within(list)
    .getAllByRole('option')
    .map((o) => o.querySelector('.cm-completionLabel')?.textContent ?? '');
  act(() => {
    view.contentDOM.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
  });
  return labels;
}

describe('expressions in the task panel', () => {
  it('completes from needs, previews with the last run, shows parse errors, and edits the input', async () => {
    const user = userEvent.setup();
    const wf = await api(h.url, 'POST', '/api/workflows', definition);
    const run = await api(h.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { customer: 'c-7' } });
    expect(wf.status, JSON.stringify(wf.body.errors)).toBe(201);
    expect(run.status).toBe(202);
    const ended = await until(async () => {
      const r = await api(h.url, 'GET', `/api/runs/${run.body.id}`);
      return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.body.status) && r.body;
    }, 30_000);
    expect(ended).toMatchObject({ status: 'SUCCEEDED' });

    renderStudio(`/workflows/${wf.body.id}`);
    await user.click(await screen.findByRole('tab', { name: 'Edit' }));
    await screen.findByRole('group', { name: 'Workflow builder: task graph' }, { timeout: 30_000 });
    const node = await waitFor(() => {
      const n = document.querySelector<HTMLElement>('.react-flow__node[data-id="calc"]');
      expect(n).not.toBeNull();
      return n!;
    });
    node.focus();
    fireEvent.keyDown(node, { key: 'Enter' });
    const panel = await screen.findByRole('region', { name: 'Task calc' });

    // The condition: a CodeMirror editor, once its chunk has loaded.
    const when = await waitFor(() => {
      const el = within(panel).getByRole('textbox', { name: 'Runs only when (JSONata, optional)' });
      expect(el.classList.contains('cm-content')).toBe(true);
      return el;
    });
    const view = viewOf(when);
    // steps.*: calc needs nap (the task before it), nap needs lookup; side starts with the run, beside them.
    expect(await completionsIn(view, 'steps.')).toEqual(['lookup', 'nap']);
    // nap from sleep's output schema; lookup (echo publishes no properties) from the last run's output.
    expect(await completionsIn(view, 'steps.nap.')).toEqual(['sleptMs']);
    expect(await completionsIn(view, 'steps.lookup.')).toEqual(['found', 'id']);
    expect(await completionsIn(view, 'input.')).toEqual(['customer']);

    act(() => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: 'steps.lookup.id = "c-7"' } }));
    await within(panel).findByText('Preview with the last run: true');
    act(() => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: 'steps.lookup.id = ' } }));
    expect(within(panel).getByText(/^Unexpected end of expression \(at position \d+\)$/)).toBeTruthy();
    act(() => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: 'steps.lookup.found' } }));
    // Leaving the editor commits the condition to the definition.
    await user.click(within(panel).getByLabelText('Runs after its needs'));
    await waitFor(() => expect(taskInJson('calc')).toMatchObject({ when: 'steps.lookup.found' }));

    // The transform's expression is JSONata in the editor, previewed against the last run.
    const expression = await waitFor(() => {
      const el = within(panel).getByRole('textbox', { name: /^expression \(JSONata\)/ });
      expect(el.classList.contains('cm-content')).toBe(true);
      return el;
    });
    await within(expression.closest<HTMLElement>('.expr-editor')!).findByText('Preview with the last run: "c-7"');
    const ev = viewOf(expression);
    act(() => ev.dispatch({ changes: { from: 0, to: ev.state.doc.length, insert: '$uppercase(steps.lookup.id)' } }));
    await waitFor(() => expect(taskInJson('calc')).toMatchObject({ input: { expression: '$uppercase(steps.lookup.id)' } }));
    await within(expression.closest<HTMLElement>('.expr-editor')!).findByText('Preview with the last run: "C-7"');
    expect(await axeViolations(panel)).toEqual([]);

    // nap's input: ms is a value; switched to an expression it keeps it, as {{ 0 }}.
    const napNode = document.querySelector<HTMLElement>('.react-flow__node[data-id="nap"]')!;
    napNode.focus();
    fireEvent.keyDown(napNode, { key: 'Enter' });
    const napPanel = await screen.findByRole('region', { name: 'Task nap' });
    expect((within(napPanel).getByLabelText(/^ms/) as HTMLInputElement).value).toBe('0');
    await user.click(within(napPanel).getByRole('button', { name: 'Expression for ms' }));
    await waitFor(() => expect(taskInJson('nap')).toMatchObject({ input: { ms: '{{ 0 }}' } }));
    // Completion in a nap field lists only lookup: nap's own need.
    const msEditor = await waitFor(() => {
      const el = within(napPanel).getByRole('textbox', { name: /^ms/ });
      expect(el.classList.contains('cm-content')).toBe(true);
      return el;
    });
    expect(await completionsIn(viewOf(msEditor), '{{ steps.')).toEqual(['lookup']);
  }, 120_000);
});
