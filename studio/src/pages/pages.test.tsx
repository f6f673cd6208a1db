// @vitest-environment jsdom
/**
 * Pages against a real control plane: loading, empty and error states, the project switcher
 * scoping the workflow list, the editor's inline errors, and accessible names (axe-core).
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/helpers/test-platform';
import { ChunkProgress } from '../components/chunk-progress';
import { configureApi } from '../services/api';
import { useProjectStore } from '../state/project-store';
import { axeViolations, renderStudio, startHarness, type Harness } from '../test/studio-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterEach(() => {
  cleanup();
  useProjectStore.getState().setProject(null);
  configureApi({ baseUrl: h.url });
});
afterAll(async () => h.close());

const echo = (name: string, projectId?: string) => ({
  name,
  ...(projectId ? { projectId } : {}),
  tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo' }],
});

describe('workflows page', () => {
  it('shows the empty state, then the list scoped to the chosen project', async () => {
    const user = userEvent.setup();
    const first = renderStudio('/workflows');
    expect(screen.getByRole('status').textContent).toMatch(/Loading workflows/);
    await screen.findByText('No workflows in this project yet.');
    expect(screen.getByRole('note').textContent).toMatch(/Development mode/);
    expect(await axeViolations(first.container)).toEqual([]);
    first.unmount();

    const other = await api(h.url, 'POST', '/api/projects', { name: 'Payroll' });
    await api(h.url, 'POST', '/api/workflows', echo('in-default'));
    await api(h.url, 'POST', '/api/workflows', echo('in-payroll', other.body.id));
    const view = renderStudio('/workflows');
    await screen.findByRole('link', { name: 'in-default' });
    expect(screen.queryByRole('link', { name: 'in-payroll' })).toBeNull();
    await user.selectOptions(screen.getByLabelText('Project'), 'Payroll');
    await screen.findByRole('link', { name: 'in-payroll' });
    await waitFor(() => expect(screen.queryByRole('link', { name: 'in-default' })).toBeNull());
    expect(useProjectStore.getState().projectId).toBe(other.body.id);
    expect(await axeViolations(view.container)).toEqual([]);
  });

  it('shows an error state with a retry when the control plane cannot be reached', async () => {
    configureApi({ baseUrl: 'http://127.0.0.1:9' });
    renderStudio('/workflows');
    const alert = await screen.findByRole('alert', undefined, { timeout: 15_000 });
    expect(alert.textContent).toMatch(/cannot be reached/);
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});

describe('new workflow editor', () => {
  it('shows JSON and schema errors inline, and the server’s errors on save', async () => {
    renderStudio('/workflows/new');
    const editor = (await screen.findByLabelText('Workflow definition (JSON)')) as HTMLTextAreaElement;
    await screen.findByText(/Valid workflow definition/);
    fireEvent.change(editor, { target: { value: '{"name": "a",\n "tasks": [}' } });
    expect(screen.getByText('line 2, column 12')).toBeTruthy();
    expect(editor.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(editor, {
      target: { value: JSON.stringify({ name: 'a', tasks: [{ key: 'x', type: 'atomic', connector: 'platform' }] }) },
    });
    expect((await screen.findAllByText('tasks[0]')).length).toBeGreaterThan(0);
    fireEvent.change(editor, {
      target: { value: JSON.stringify({ name: 'calls-missing', tasks: [{ key: 'x', type: 'workflow', workflow: 'no-such-flow' }] }) },
    });
    await screen.findByText(/Valid workflow definition/);
    fireEvent.click(screen.getByRole('button', { name: 'Create workflow' }));
    await screen.findByText('tasks[0].workflow');
  });
});

describe('workers page', () => {
  it('creates a digital worker and pauses it', async () => {
    const user = userEvent.setup();
    const view = renderStudio('/workers');
    await screen.findByText('No digital workers in this project yet.');
    await user.type(screen.getByLabelText('Name'), 'Payroll clerk');
    await user.type(screen.getByLabelText('Owner'), 'hr@example.com');
    await user.click(screen.getByRole('button', { name: 'Create digital worker' }));
    await screen.findByRole('link', { name: 'Payroll clerk' });
    await user.click(screen.getByRole('button', { name: 'Pause Payroll clerk' }));
    await screen.findByRole('button', { name: 'Resume Payroll clerk' });
    const list = await api(h.url, 'GET', '/api/workers');
    expect(list.body.items.find((w: { name: string }) => w.name === 'Payroll clerk').status).toBe('paused');
    expect(await axeViolations(view.container)).toEqual([]);
  });
});

describe('ChunkProgress', () => {
  it('reports succeeded, failed and running of total to assistive technology', async () => {
    const { container } = render(<ChunkProgress chunks={{ total: 10, succeeded: 6, failed: 1, running: 2 }} label="Chunks of task t" />);
    const bar = screen.getByRole('progressbar', { name: 'Chunks of task t' });
    expect(bar.getAttribute('aria-valuenow')).toBe('7');
    expect(bar.getAttribute('aria-valuetext')).toBe('6 succeeded, 1 failed, 2 running of 10');
    await waitFor(async () => expect(await axeViolations(container)).toEqual([]));
  });
});
