// @vitest-environment jsdom
/**
 * The workflow page against a real control plane: an old version shows its own time and, in the
 * editor, says it is old and offers "Restore as new version"; leaving the editor with unsaved
 * changes asks first (links and tabs alike); schedules show times with their zone, the last fire
 * and an overdue next fire, and deleting one asks first; a version compared with the live one (the
 * server's diff, values before and after) and rolled back after asking, refused with a conflict
 * when someone published meanwhile.
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/helpers/test-platform';
import { axeViolations, renderStudio, startHarness, type Harness } from '../test/studio-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterEach(() => cleanup());
afterAll(async () => h.close());

const def = (message: string) => ({
  name: 'greeter',
  tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo', input: { message } }],
});

describe('versions', () => {
  it('compares a version with the live one, rolls back after asking, and shows a conflict when someone published meanwhile', async () => {
    const user = userEvent.setup();
    const wf = await api(h.url, 'POST', '/api/workflows', { ...def('one'), name: 'rollbacker' });
    await api(h.url, 'PUT', `/api/workflows/${wf.body.id}`, { ...def('two'), name: 'rollbacker' });
    const view = renderStudio(`/workflows/${wf.body.id}`);
    await screen.findByRole('heading', { name: 'rollbacker' });
    expect(screen.getByTestId('draft-line').textContent).toMatch(/^Live: version 2/);
    await user.click(screen.getByRole('tab', { name: 'Versions' }));
    await user.click(await screen.findByRole('button', { name: /^Compare with live\s*\(version 1 against version 2\)/ }));
    const diff = await screen.findByTestId('version-diff');
    await within(diff).findByText(/Changed task/);
    expect(diff.textContent).toContain('"one"');
    expect(diff.textContent).toContain('"two"');
    expect(await axeViolations(view.container)).toEqual([]);

    // Someone publishes version 3 while this list still says 2 is live: the rollback is refused and changes nothing.
    await api(h.url, 'PUT', `/api/workflows/${wf.body.id}`, { ...def('three'), name: 'rollbacker' });
    await user.click(screen.getByRole('button', { name: /^Roll back to this\s*\(version 1\)/ }));
    let ask = screen.getByRole('alertdialog', { name: 'Publish version 1 again?' });
    await user.click(within(ask).getByRole('button', { name: 'Publish as version 3' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/version/i);
    expect((await api(h.url, 'GET', `/api/workflows/${wf.body.id}`)).body.version).toBe(3);
    expect((await api(h.url, 'GET', `/api/workflows/${wf.body.id}`)).body.definition.tasks[0].input).toEqual({ message: 'three' });

    // With the list read again, the rollback publishes version 1 as version 4.
    cleanup();
    renderStudio(`/workflows/${wf.body.id}`);
    await screen.findByRole('heading', { name: 'rollbacker' });
    await user.click(screen.getByRole('tab', { name: 'Versions' }));
    await user.click(await screen.findByRole('button', { name: /^Roll back to this\s*\(version 1\)/ }));
    ask = screen.getByRole('alertdialog', { name: 'Publish version 1 again?' });
    await user.click(within(ask).getByRole('button', { name: 'Publish as version 4' }));
    await screen.findByText('Version 4 published from an earlier version.');
    const now = (await api(h.url, 'GET', `/api/workflows/${wf.body.id}`)).body;
    expect(now.version).toBe(4);
    expect(now.definition.tasks[0].input).toEqual({ message: 'one' });
  });

  it('shows an old version with its own time, says so in the editor, and restores it as a new version', async () => {
    const user = userEvent.setup();
    const wf = await api(h.url, 'POST', '/api/workflows', def('one'));
    await api(h.url, 'PUT', `/api/workflows/${wf.body.id}`, def('two'));
    // Version 1 was saved two days before version 2.
    await h.platform.db.query(
      `UPDATE workflow_versions SET created_at = now() - interval '2 days' WHERE workflow_id = $1::uuid AND version = 1`,
      [wf.body.id],
    );
    const v1Time = (await api(h.url, 'GET', `/api/workflows/${wf.body.id}/versions`)).body.items.find(
      (v: { version: number }) => v.version === 1,
    ).createdAt as string;
    const view = renderStudio(`/workflows/${wf.body.id}`);
    await screen.findByRole('heading', { name: 'greeter' });
    await waitFor(() => expect(screen.getByTestId('version-line').textContent).toMatch(/^Version 2 · saved/));
    await user.click(screen.getByRole('tab', { name: 'Versions' }));
    await user.click(await screen.findByRole('button', { name: 'Version 1' }));
    await waitFor(() => expect(screen.getByTestId('version-line').textContent).toMatch(/^Version 1 \(an older version; the latest is 2\)/));
    const day = new Date(v1Time).toLocaleString(undefined, { dateStyle: 'medium' });
    expect(screen.getByTestId('version-line').textContent).toContain(`saved ${day}`);

    await user.click(screen.getByRole('tab', { name: 'Edit' }));
    await screen.findByRole('button', { name: 'Restore as new version' });
    const note = document.getElementById('old-version-note')!;
    expect(note.textContent).toMatch(
      /You are looking at version 1; the latest is version 2\. Saving this text makes version 3 from version 1, which undoes what versions 2 changed/,
    );
    expect(await axeViolations(view.container)).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Restore as new version' }));
    await waitFor(async () => expect((await api(h.url, 'GET', `/api/workflows/${wf.body.id}`)).body.version).toBe(3));
    expect((await api(h.url, 'GET', `/api/workflows/${wf.body.id}`)).body.definition.tasks[0].input).toEqual({ message: 'one' });
    await waitFor(() => expect(screen.getByTestId('version-line').textContent).toMatch(/^Version 3 · saved/));
    expect(screen.getByText('Saved as version 3.')).toBeTruthy();
    expect(document.getElementById('old-version-note')).toBeNull();
  });

  it('asks before leaving the editor with unsaved changes, by link or by tab', async () => {
    const user = userEvent.setup();
    const wf = await api(h.url, 'POST', '/api/workflows', { ...def('x'), name: 'guarded' });
    renderStudio(`/workflows/${wf.body.id}`);
    await screen.findByRole('heading', { name: 'guarded' });
    await user.click(screen.getByRole('tab', { name: 'Edit' }));
    const editor = (await screen.findByLabelText(/Definition \(JSON\)/)) as HTMLTextAreaElement;
    // Unchanged: leaving asks nothing.
    await user.click(screen.getByRole('tab', { name: 'Runs' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    await user.click(screen.getByRole('tab', { name: 'Edit' }));
    fireEvent.change(await screen.findByLabelText(/Definition \(JSON\)/), { target: { value: editor.value.replace('"x"', '"changed"') } });

    await user.click(screen.getByRole('tab', { name: 'Runs' }));
    let ask = screen.getByRole('alertdialog', { name: 'Leave without saving?' });
    await user.click(within(ask).getByRole('button', { name: 'Stay and keep editing' }));
    expect((screen.getByLabelText(/Definition \(JSON\)/) as HTMLTextAreaElement).value).toContain('"changed"');

    await user.click(screen.getByRole('link', { name: 'Connectors' }));
    ask = await screen.findByRole('alertdialog', { name: 'Leave without saving?' });
    expect(document.activeElement).toBe(within(ask).getByRole('button', { name: 'Stay and keep editing' }));
    await user.click(within(ask).getByRole('button', { name: 'Stay and keep editing' }));
    expect(screen.getByRole('heading', { name: 'guarded' })).toBeTruthy();
    await user.click(screen.getByRole('link', { name: 'Connectors' }));
    await user.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Discard changes' }));
    await screen.findByRole('heading', { name: 'Connectors' });
  });
});

describe('key order', () => {
  it('shows the definition and the Run form’s fields in the author’s order', async () => {
    const user = userEvent.setup();
    // Written with long keys first and fields zeta before alpha: jsonb would sort both.
    const text = `{"tasks": [{"key": "e", "type": "atomic", "connector": "platform", "operation": "echo"}], "name": "ordered", "inputSchema": {"type": "object", "properties": {"zeta": {"type": "string"}, "alpha": {"type": "string"}}}}`;
    const res = await fetch(`${h.url}/api/workflows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    const wf = (await res.json()) as { id: string };
    renderStudio(`/workflows/${wf.id}`);
    await screen.findByRole('heading', { name: 'ordered' });
    await user.click(screen.getByRole('tab', { name: 'Edit' }));
    const editor = (await screen.findByLabelText(/Definition \(JSON\)/)) as HTMLTextAreaElement;
    expect(editor.value.indexOf('"tasks"')).toBeLessThan(editor.value.indexOf('"name"'));
    expect(editor.value.indexOf('"zeta"')).toBeLessThan(editor.value.indexOf('"alpha"'));
    await user.click(screen.getByRole('button', { name: 'Run…' }));
    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByLabelText('zeta');
    expect([...dialog.querySelectorAll('label')].map((l) => l.textContent)).toEqual(['zeta', 'alpha']);
  });
});

describe('schedules', () => {
  it('shows the next fire in the schedule’s zone with its label, the last fire with its run, flags an overdue fire, and asks before deleting', async () => {
    const user = userEvent.setup();
    const wf = await api(h.url, 'POST', '/api/workflows', { ...def('s'), name: 'nightly' });
    const sc = await api(h.url, 'POST', `/api/workflows/${wf.body.id}/schedules`, {
      cron: '0 6 * * *',
      timezone: 'Europe/Berlin',
      input: {},
      enabled: true,
      catchUp: 'skip',
    });
    expect(sc.status).toBe(201);
    // The scheduler is behind: the next fire passed an hour ago; the last one was yesterday.
    await h.platform.db.query(
      `UPDATE schedules SET next_fire_at = now() - interval '1 hour', last_fire_at = now() - interval '1 day' WHERE id = $1::uuid`,
      [sc.body.id],
    );
    // Its last fire started no run: the ledger row says why.
    await h.platform.db.query(
      `INSERT INTO schedule_fires (schedule_id, fire_time, org_id, error) SELECT id, now() - interval '1 day', org_id, $2::jsonb FROM schedules WHERE id = $1::uuid`,
      [
        sc.body.id,
        JSON.stringify({
          code: 'invalid_run_input',
          message: 'The input no longer fits the workflow: customer is required.',
          retryable: false,
        }),
      ],
    );
    const view = renderStudio(`/workflows/${wf.body.id}`);
    await screen.findByRole('heading', { name: 'nightly' });
    await user.click(screen.getByRole('tab', { name: 'Schedules' }));
    const next = await screen.findByTestId('next-fire');
    // The zone is named: Berlin is at UTC+1 or +2, which Intl names GMT+1/GMT+2 or CET/CEST.
    expect(next.textContent).toMatch(/GMT\+[12]|CES?T/);
    const item = next.closest('li')!;
    expect(item.textContent).toMatch(/in Europe\/Berlin/);
    expect(item.textContent).toMatch(/your time/);
    expect(within(item).getByText('overdue')).toBeTruthy();
    expect(item.textContent).toMatch(/Last fire: (?!never)/);
    expect(item.textContent).toMatch(/The last fire started no run \(.*\): The input no longer fits the workflow: customer is required\./);
    expect(await axeViolations(view.container)).toEqual([]);
    // Jargon is explained where it appears.
    expect(screen.getByText(/as the IANA time-zone database names them/)).toBeTruthy();
    expect(screen.getByText(/Catch-up: when the platform was stopped/)).toBeTruthy();

    await user.click(within(item).getByRole('button', { name: 'Delete schedule 0 6 * * *' }));
    const ask = screen.getByRole('alertdialog', { name: 'Delete this schedule?' });
    await user.click(within(ask).getByRole('button', { name: 'Keep' }));
    expect((await api(h.url, 'GET', `/api/workflows/${wf.body.id}/schedules`)).body.items).toHaveLength(1);
    await user.click(within(item).getByRole('button', { name: 'Delete schedule 0 6 * * *' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete schedule' }));
    await screen.findByText('No schedules: this workflow runs only when triggered.');
  });
});
