// @vitest-environment jsdom
/**
 * The Run dialog and assistant suggestion cards against a real control plane: a suggestion
 * opens the dialog prefilled and nothing runs until the user presses Run.
 */
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/helpers/test-platform';
import { SuggestionCard } from '../pages/assistant-page';
import { useRunDialog } from '../state/run-dialog-store';
import { axeViolations, renderStudio, startHarness, type Harness } from '../test/studio-harness';

let h: Harness;
let workflowId: string;

beforeAll(async () => {
  h = await startHarness();
  const wf = await api(h.url, 'POST', '/api/workflows', {
    name: 'greet-customer',
    description: 'Says hello.',
    inputSchema: {
      type: 'object',
      properties: {
        customer: { type: 'string', description: 'Who to greet' },
        times: { type: 'integer' },
        loud: { type: 'boolean' },
        tone: { enum: ['warm', 'formal'] },
      },
      required: ['customer', 'times'],
    },
    tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: { m: '{{ input.customer }}' } }],
  });
  workflowId = wf.body.id;
});
afterEach(() => {
  cleanup();
  act(() => useRunDialog.getState().close());
});
afterAll(async () => h.close());

const runsOf = async () => (await api(h.url, 'GET', `/api/runs?workflowId=${workflowId}`)).body.items as Array<{ id: string }>;

describe('Run dialog', () => {
  it('opens prefilled from a suggestion, runs nothing by itself, and runs exactly once on Run', async () => {
    const user = userEvent.setup();
    renderStudio('/workflows');
    await screen.findByRole('link', { name: 'greet-customer' });
    act(() => useRunDialog.getState().open(workflowId, { customer: 'Ada', times: 2, tone: 'formal' }));
    const dialog = await screen.findByRole('dialog', { name: 'Run greet-customer' });
    expect(screen.getByText(/Prefilled by a suggestion/)).toBeTruthy();
    expect((screen.getByLabelText(/^customer/) as HTMLInputElement).value).toBe('Ada');
    expect((screen.getByLabelText(/^times/) as HTMLInputElement).value).toBe('2');
    expect((screen.getByLabelText(/^tone/) as HTMLSelectElement).value).toBe('formal');
    expect(await axeViolations(dialog)).toEqual([]);
    expect(await runsOf()).toEqual([]);

    await user.clear(screen.getByLabelText(/^times/));
    await user.type(screen.getByLabelText(/^times/), '2.5');
    expect(screen.getByText('times must be a whole number')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Run' }) as HTMLButtonElement).disabled).toBe(true);
    await user.clear(screen.getByLabelText(/^times/));
    await user.type(screen.getByLabelText(/^times/), '3');
    await user.click(screen.getByRole('button', { name: 'Run' }));
    await waitFor(async () => expect(await runsOf()).toHaveLength(1));
    const run = await api(h.url, 'GET', `/api/runs/${(await runsOf())[0]!.id}`);
    expect(run.body.input).toEqual({ customer: 'Ada', times: 3, loud: false, tone: 'formal' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('closes on Escape and on Cancel without running', async () => {
    const user = userEvent.setup();
    renderStudio('/workflows');
    await screen.findByRole('link', { name: 'greet-customer' });
    const before = (await runsOf()).length;
    await user.click(screen.getByRole('button', { name: 'Run greet-customer' }));
    await screen.findByRole('dialog');
    // Required inputs empty: Run is disabled and the problems are listed.
    expect(((await screen.findByRole('button', { name: 'Run' })) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('customer is required')).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Run greet-customer' }));
    await user.click(await screen.findByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect((await runsOf()).length).toBe(before);
  });
});

describe('SuggestionCard', () => {
  it('only opens the Run dialog with the suggested input', async () => {
    const user = userEvent.setup();
    const { container } = render(
      <SuggestionCard
        s={{ workflowId, workflowName: 'greet-customer', reason: 'You asked to greet Bob.', input: { customer: 'Bob', times: 1 } }}
      />,
    );
    expect(await axeViolations(container)).toEqual([]);
    const before = (await runsOf()).length;
    await user.click(screen.getByRole('button', { name: 'Run this workflow…' }));
    expect(useRunDialog.getState()).toMatchObject({ workflowId, prefill: { customer: 'Bob', times: 1 } });
    expect((await runsOf()).length).toBe(before);
  });
});
