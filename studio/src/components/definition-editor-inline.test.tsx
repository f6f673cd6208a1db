// @vitest-environment jsdom
/**
 * Inline errors in the definition editor, with the WorkflowDefinition schema read from a real
 * control plane's OpenAPI document: the offending line is marked in the gutter and behind the
 * text, and each problem is a "Line N" button named by its message that selects that line.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newQueryClient } from '../app';
import { axeViolations, startHarness, type Harness } from '../test/studio-harness';
import { DefinitionEditor } from './definition-editor';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterEach(() => cleanup());
afterAll(async () => h.close());

function Editor({ initial, serverIssues = [] }: { initial: string; serverIssues?: Array<{ path: string; message: string }> }) {
  const [text, setText] = useState(initial);
  return <DefinitionEditor label="Definition" text={text} onText={setText} serverIssues={serverIssues} />;
}
const renderEditor = (initial: string, serverIssues?: Array<{ path: string; message: string }>) =>
  render(
    <QueryClientProvider client={newQueryClient()}>
      <Editor initial={initial} serverIssues={serverIssues} />
    </QueryClientProvider>,
  );
const marked = (c: HTMLElement) => [...c.querySelectorAll('.gutter .issue')].map((e) => Number(e.getAttribute('data-line')));
const bands = (c: HTMLElement) => [...c.querySelectorAll('.line-marks [data-line]')].map((e) => Number(e.getAttribute('data-line')));

// Line 7 holds the unknown task type.
const bad = `{
  "name": "bad",
  "tasks": [
    { "key": "ok", "type": "atomic", "connector": "platform", "operation": "echo" },
    {
      "key": "b",
      "type": "teleport"
    }
  ]
}`;

describe('DefinitionEditor inline errors', () => {
  it('marks the line of a schema error, and names the message on a button that selects the line', async () => {
    const user = userEvent.setup();
    const view = renderEditor(bad);
    const line = await screen.findByRole('button', {
      name: 'Line 7: tasks[1].type: must be one of "atomic", "workflow", "chunked", "wait", "approval"',
    });
    // Only the unknown type: the other task kinds' required properties are not listed.
    expect(screen.getAllByRole('listitem')).toHaveLength(1);
    expect(marked(view.container)).toEqual([7]);
    expect(bands(view.container)).toEqual([7]);
    expect(view.container.querySelector('.gutter [data-line="7"]')!.getAttribute('title')).toMatch(/^tasks\[1\]\.type: /);
    const editor = screen.getByRole('textbox', { name: 'Definition' }) as HTMLTextAreaElement;
    // The messages are the textarea's description too.
    expect(editor.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(editor.getAttribute('aria-describedby')!)!.textContent).toMatch(/tasks\[1\]\.type/);
    await user.click(line);
    expect(document.activeElement).toBe(editor);
    expect(bad.slice(editor.selectionStart, editor.selectionEnd)).toBe('      "type": "teleport"');
    expect(await axeViolations(view.container)).toEqual([]);
  });

  it('marks the line where JSON breaks, and follows the text as it is fixed', async () => {
    const user = userEvent.setup();
    const view = renderEditor('{\n  "name": "x",\n  "tasks": [ }\n}');
    await screen.findByRole('button', { name: 'Line 3: line 3, column 14: Not valid JSON: unexpected "}"' });
    expect(marked(view.container)).toEqual([3]);
    const editor = screen.getByRole('textbox', { name: 'Definition' });
    await user.clear(editor);
    await user.click(editor);
    await user.paste(
      JSON.stringify({ name: 'x', tasks: [{ key: 'a', type: 'atomic', connector: 'platform', operation: 'echo' }] }, null, 2),
    );
    await screen.findByText(/Valid workflow definition/);
    expect(marked(view.container)).toEqual([]);
    expect(screen.queryByRole('button', { name: /^Line / })).toBeNull();
  });

  it('places the server’s problems too, and lists a problem with no place without a line', async () => {
    const text = JSON.stringify({ name: 'calls', tasks: [{ key: 'x', type: 'workflow', workflow: 'no-such-flow' }] }, null, 2);
    const view = renderEditor(text, [
      { path: 'tasks[0].workflow', message: "Workflow 'no-such-flow' does not exist in this project." },
      { path: 'workflow_name_taken', message: 'A workflow with this name exists.' },
    ]);
    const at = text.split('\n').findIndex((l) => l.includes('"workflow": "no-such-flow"')) + 1;
    await screen.findByRole('button', { name: `Line ${at}: tasks[0].workflow: Workflow 'no-such-flow' does not exist in this project.` });
    expect(marked(view.container)).toEqual([at]);
    expect(screen.getByText('workflow_name_taken')).toBeTruthy();
    expect(screen.getAllByRole('button', { name: /^Line / })).toHaveLength(1);
  });
});
