// @vitest-environment jsdom
/**
 * The schema form and the expression editor in the browser (jsdom): nested objects and arrays
 * built by keyboard produce the right JSON, the literal/expression toggle keeps the value both
 * ways (and refuses, with a reason, to turn a real expression into a value), the editor lists a
 * bad expression's parse error, previews against the last run, completes steps.* from the needs,
 * and axe finds no serious violation.
 */
import { startCompletion } from '@codemirror/autocomplete';
import { EditorView } from '@codemirror/view';
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../test/studio-harness';
import ExpressionEditor from './expression-editor';
import type { ExpressionScope, PreviewContext } from './expression-scope';
import { SchemaForm } from './schema-form';

afterEach(() => cleanup());
beforeAll(() => {
  // CodeMirror measures text with Range rectangles, which jsdom does not lay out.
  const rect = () => ({ x: 0, y: 0, top: 0, left: 0, right: 0, bottom: 0, width: 0, height: 0, toJSON: () => ({}) }) as DOMRect;
  Range.prototype.getBoundingClientRect = rect;
  Range.prototype.getClientRects = () =>
    ({ length: 0, item: () => null, [Symbol.iterator]: [][Symbol.iterator] }) as unknown as DOMRectList;
});

const schema = {
  type: 'object',
  required: ['to'],
  properties: {
    to: { type: 'string', description: 'Who receives it' },
    priority: { enum: ['low', 'high'] },
    count: { type: 'integer' },
    options: { type: 'object', properties: { dryRun: { type: 'boolean' }, label: { type: 'string' } } },
    lines: {
      type: 'array',
      items: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' }, qty: { type: 'integer' } } },
    },
  },
};
const scope: ExpressionScope = {
  inputSchema: null,
  inputSample: { name: 'Ada' },
  steps: [{ key: 'lookup', direct: true, schema: null, sample: { id: 'c-1', found: true }, mayHaveError: false }],
};
const lastRun: PreviewContext = { input: { name: 'Ada' }, steps: { lookup: { id: 'c-1', found: true } }, run: { id: 'r-1' } };

function Harness({ initial }: { initial: Record<string, unknown> }) {
  const [value, setValue] = useState(initial);
  return (
    <form aria-label="Input">
      <SchemaForm schema={schema} value={value} onChange={setValue} scope={scope} previewContext={lastRun} />
      <output data-testid="json">{JSON.stringify(value)}</output>
    </form>
  );
}
const json = () => JSON.parse(screen.getByTestId('json').textContent!) as Record<string, unknown>;
const editorOf = (el: HTMLElement) => EditorView.findFromDOM(el.querySelector<HTMLElement>('.cm-editor')!)!;

describe('schema form', () => {
  it('draws required marks, help, an enum as a select, and nested objects as groups', async () => {
    render(<Harness initial={{}} />);
    expect(screen.getByLabelText(/^to \* \(required\)$/)).toHaveProperty('required', true);
    expect(screen.getByLabelText(/^to/).getAttribute('aria-describedby')).toBe(screen.getByText('Who receives it').id);
    expect(
      within(screen.getByLabelText('priority'))
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['—', 'low', 'high']);
    const user = userEvent.setup();
    await user.selectOptions(screen.getByLabelText('priority'), 'high');
    await user.type(screen.getByLabelText(/^to/), 'ops@example.com');
    await user.type(screen.getByLabelText('count'), '3');
    const options = screen.getByRole('group', { name: /options/ });
    await user.click(within(options).getByLabelText('dryRun'));
    await user.type(within(options).getByLabelText('label'), 'x');
    expect(json()).toEqual({ priority: 'high', to: 'ops@example.com', count: 3, options: { dryRun: true, label: 'x' } });
    expect(await axeViolations(document.body)).toEqual([]);
  });

  it('adds and removes nested array items by keyboard, producing the right JSON', async () => {
    const user = userEvent.setup();
    render(<Harness initial={{ to: 'a' }} />);
    const add = screen.getByRole('button', { name: 'Add an item to lines' });
    add.focus();
    await user.keyboard('{Enter}');
    await user.keyboard('{Enter}');
    await user.keyboard('{Enter}');
    expect(json()).toEqual({ to: 'a', lines: [{}, {}, {}] });
    const lines = screen.getByRole('group', { name: /^lines/ });
    const items = within(lines).getAllByRole('listitem');
    await user.type(within(items[0]!).getByLabelText(/^sku/), 'A');
    await user.type(within(items[1]!).getByLabelText(/^sku/), 'B');
    await user.type(within(items[1]!).getByLabelText('qty'), '2');
    await user.type(within(items[2]!).getByLabelText(/^sku/), 'C');
    // Remove the middle one with the keyboard: focus goes to Add, the others keep their text.
    within(items[1]!).getByRole('button', { name: 'Remove lines[1]' }).focus();
    await user.keyboard(' ');
    expect(json()).toEqual({ to: 'a', lines: [{ sku: 'A' }, { sku: 'C' }] });
    expect(document.activeElement).toBe(add);
    const left = within(lines).getAllByRole('listitem');
    expect(left.map((li) => (within(li).getByLabelText(/^sku/) as HTMLInputElement).value)).toEqual(['A', 'C']);
    expect(await axeViolations(document.body)).toEqual([]);
  });

  it('switches a field between a value and an expression, keeping the value both ways', async () => {
    const user = userEvent.setup();
    render(<Harness initial={{ to: 'ops@example.com', count: 5 }} />);
    const countToggle = screen.getByRole('button', { name: 'Expression for count' });
    expect(countToggle.getAttribute('aria-pressed')).toBe('false');
    await user.click(countToggle);
    expect(countToggle.getAttribute('aria-pressed')).toBe('true');
    expect(json()).toMatchObject({ count: '{{ 5 }}' });
    const field = countToggle.closest<HTMLElement>('.schema-field')!;
    await waitFor(() => expect(field.querySelector('.cm-editor')).not.toBeNull());
    expect(editorOf(field).state.doc.toString()).toBe('{{ 5 }}');
    await user.click(countToggle);
    expect(json()).toMatchObject({ count: 5 });
    expect((screen.getByLabelText('count') as HTMLInputElement).value).toBe('5');

    // Text stays the same text; an expression written in the editor is the field's value.
    const toToggle = screen.getByRole('button', { name: 'Expression for to' });
    toToggle.focus();
    await user.keyboard('{Enter}');
    const toField = toToggle.closest<HTMLElement>('.schema-field')!;
    await waitFor(() => expect(toField.querySelector('.cm-editor')).not.toBeNull());
    expect(editorOf(toField).state.doc.toString()).toBe('ops@example.com');
    const view = editorOf(toField);
    act(() => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: '{{ steps.lookup.id }}@example.com' } }));
    expect(json()).toMatchObject({ to: '{{ steps.lookup.id }}@example.com' });
    await screen.findByText('Preview with the last run: "c-1@example.com"');
    await user.click(toToggle);
    expect((screen.getByLabelText(/^to/) as HTMLInputElement).value).toBe('{{ steps.lookup.id }}@example.com');

    // A real expression in a number field is not a value: the switch is refused, nothing lost.
    await user.click(countToggle);
    const countField = countToggle.closest<HTMLElement>('.schema-field')!;
    await waitFor(() => expect(countField.querySelector('.cm-editor')).not.toBeNull());
    const cv = editorOf(countField);
    act(() => cv.dispatch({ changes: { from: 0, to: cv.state.doc.length, insert: '{{ $count(steps.lookup) }}' } }));
    await user.click(countToggle);
    expect((await screen.findByRole('alert')).textContent).toMatch(/not a plain value/);
    expect(countToggle.getAttribute('aria-pressed')).toBe('true');
    expect(json()).toMatchObject({ count: '{{ $count(steps.lookup) }}' });
    expect(await axeViolations(document.body)).toEqual([]);
  });

  it('starts in expression mode for a value that holds one', async () => {
    render(<Harness initial={{ to: 'Hi {{ input.name }}', count: '{{ steps.lookup.n }}' }} />);
    expect(screen.getByRole('button', { name: 'Expression for to' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByRole('button', { name: 'Expression for count' }).getAttribute('aria-pressed')).toBe('true');
    await screen.findByText('Preview with the last run: "Hi Ada"');
  });
});

describe('expression editor', () => {
  function Editor({ initial, mode, run = lastRun }: { initial: string; mode: 'jsonata' | 'template'; run?: PreviewContext | null }) {
    const [text, setText] = useState(initial);
    return (
      <>
        <span id="lbl">Condition</span>
        <ExpressionEditor value={text} onChange={setText} mode={mode} labelledBy="lbl" scope={scope} previewContext={run} />
      </>
    );
  }

  it('lists a parse error of bad JSONata under the text, and clears it when fixed', async () => {
    const { container } = render(<Editor initial="steps.lookup.(" mode="jsonata" />);
    const textbox = screen.getByRole('textbox', { name: 'Condition' });
    expect(textbox.getAttribute('contenteditable')).toBe('true');
    expect(screen.getByText(/Expected "\)" before end of expression \(at position \d+\)/)).toBeTruthy();
    expect(screen.getByText('No preview while the expression has an error.')).toBeTruthy();
    const view = editorOf(container);
    act(() => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: 'steps.lookup.found = true' } }));
    expect(screen.queryByText(/Expected/)).toBeNull();
    await screen.findByText('Preview with the last run: true');
    expect(await axeViolations(container)).toEqual([]);
  });

  it('says when there is no run to preview against', () => {
    render(<Editor initial="{{ input.name }}" mode="template" run={null} />);
    expect(screen.getByText(/No run of this workflow yet/)).toBeTruthy();
  });

  it('is keyboard operable: Ctrl+Space completes, Enter takes the option, Tab leaves the editor', async () => {
    const user = userEvent.setup();
    const { container } = render(
      <>
        <Editor initial="steps." mode="jsonata" />
        <button type="button">After</button>
      </>,
    );
    const view = editorOf(container);
    act(() => {
      view.focus();
      view.dispatch({ selection: { anchor: view.state.doc.length } });
    });
    await user.keyboard('{Control>} {/Control}');
    const list = await screen.findByRole('listbox');
    expect(within(list).getAllByRole('option')).toHaveLength(1);
    // CodeMirror ignores Enter for its interactionDelay (75 ms) after the list opens, so a key
    // pressed as the list appears does not pick an option by accident: press it after that.
    await new Promise((r) => setTimeout(r, 100));
    await user.keyboard('{Enter}');
    expect(view.state.doc.toString()).toBe('steps.lookup');
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'After' }));
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(view.contentDOM);
  });

  it('opens completions of steps.* from the needs in the editor', async () => {
    const { container } = render(<Editor initial="{{ steps." mode="template" />);
    const view = editorOf(container);
    act(() => {
      view.focus();
      view.dispatch({ selection: { anchor: view.state.doc.length } });
      startCompletion(view);
    });
    const list = await screen.findByRole('listbox');
    expect(
      within(list)
        .getAllByRole('option')
        .map((o) => o.querySelector('.cm-completionLabel')?.textContent),
    ).toEqual(['lookup']);
  });
});
