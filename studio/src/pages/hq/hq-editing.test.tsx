// @vitest-environment jsdom
/**
 * Editing members' roles and group-to-role mappings on /hq against a real control plane: add,
 * edit and delete a mapping (deleting asks first), grant and change a person's role, the
 * server's problems shown as it words them (a group id that is not a UUID; an admin API key
 * granting owner, 403 `forbidden`), and the confirmation before lowering one's own role.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../../tests/helpers/test-platform';
import { newQueryClient } from '../../app';
import { configureApi } from '../../services/api';
import { axeViolations, renderStudio, startHarness, type Harness } from '../../test/studio-harness';
import { MembersPanel } from './members-panel';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterEach(() => {
  cleanup();
  h.resetApi();
});
afterAll(async () => h.close());

const GROUP = '7d3b3c9e-5d0a-4f51-9a53-0c4a1c7f0a11';
const TENANT = '0f1e2d3c-4b5a-4968-8776-655443322110';
const PERSON = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

describe('group-to-role mappings', () => {
  it('adds, edits and deletes a mapping, and shows the server’s problem for a bad group id', async () => {
    const user = userEvent.setup();
    const view = renderStudio('/hq');
    const panel = await screen.findByRole('region', { name: 'Group-to-role mappings' });
    await within(panel).findByText('No groups are mapped to roles.');

    // Not a UUID: the server answers 400 and names the parameter, shown by its label in words.
    await user.type(within(panel).getByLabelText('Group object id'), 'finance-team');
    await user.click(within(panel).getByRole('button', { name: 'Add mapping' }));
    const problem = await within(panel).findByRole('alert');
    expect(problem.textContent).toMatch(/Group object id:/);
    expect(problem.querySelector('details')!.textContent).toMatch(/invalid_path_parameter/);

    await user.clear(within(panel).getByLabelText('Group object id'));
    await user.type(within(panel).getByLabelText('Group object id'), GROUP.toUpperCase());
    await user.selectOptions(within(panel).getByLabelText('Role'), 'editor');
    await user.type(within(panel).getByLabelText('Description'), 'Finance editors');
    await user.click(within(panel).getByRole('button', { name: 'Add mapping' }));
    const row = await within(panel).findByRole('row', { name: new RegExp(GROUP) });
    expect(row.textContent).toMatch(/editor.*Finance editors/);
    expect(within(panel).queryByRole('alert')).toBeNull();
    expect(await axeViolations(view.container)).toEqual([]);

    // Typing the id of a mapped group again says it will be replaced.
    await user.type(within(panel).getByLabelText('Group object id'), GROUP);
    await within(panel).findByText(/mapped to editor already; saving replaces that/);
    await user.clear(within(panel).getByLabelText('Group object id'));

    await user.click(within(panel).getByRole('button', { name: `Edit mapping of group ${GROUP}` }));
    const edit = within(panel).getByRole('form', { name: `Edit the mapping of group ${GROUP}` });
    expect(document.activeElement).toBe(within(edit).getByLabelText('Role'));
    expect((within(edit).getByLabelText('Description') as HTMLInputElement).value).toBe('Finance editors');
    await user.selectOptions(within(edit).getByLabelText('Role'), 'admin');
    await user.click(within(edit).getByRole('button', { name: 'Save mapping' }));
    await waitFor(() =>
      expect(
        within(panel)
          .getByRole('row', { name: new RegExp(GROUP) })
          .querySelectorAll('td')[1]!.textContent,
      ).toBe('admin'),
    );
    expect((await api(h.url, 'GET', '/api/hq/role-mappings')).body.items).toMatchObject([
      { groupId: GROUP, role: 'admin', description: 'Finance editors' },
    ]);
    // Saving closed the edit form.
    within(panel).getByRole('form', { name: 'Map a group to a role' });

    // Deleting asks first; Keep leaves it, Delete removes it.
    await user.click(within(panel).getByRole('button', { name: `Delete… mapping of group ${GROUP}` }));
    const ask = within(panel).getByRole('group', { name: `Delete the mapping of group ${GROUP}?` });
    expect(document.activeElement).toBe(within(ask).getByRole('button', { name: `Delete the mapping of group ${GROUP}` }));
    await user.click(within(ask).getByRole('button', { name: 'Keep' }));
    expect(within(panel).getByRole('row', { name: new RegExp(GROUP) })).toBeTruthy();
    await user.click(within(panel).getByRole('button', { name: `Delete… mapping of group ${GROUP}` }));
    await user.click(within(panel).getByRole('button', { name: `Delete the mapping of group ${GROUP}` }));
    await within(panel).findByText('No groups are mapped to roles.');
    expect((await api(h.url, 'GET', '/api/hq/role-mappings')).body.items).toEqual([]);
    // The audit log on the same page shows the changes without a reload.
    await screen.findAllByText('role_mapping.delete');
  });
});

describe('members', () => {
  it('grants a role to a person who has not signed in, then changes and removes it', async () => {
    const user = userEvent.setup();
    renderStudio('/hq');
    const panel = await screen.findByRole('region', { name: 'Members' });
    await within(panel).findByText('Nobody has signed in yet.');
    await user.type(within(panel).getByLabelText('Tenant id'), TENANT);
    await user.type(within(panel).getByLabelText('Object id'), PERSON);
    await user.selectOptions(within(panel).getByLabelText('Role'), 'viewer');
    await user.click(within(panel).getByRole('button', { name: 'Grant role' }));
    const select = (await within(panel).findByLabelText(`Direct role of ${PERSON}`)) as HTMLSelectElement;
    expect(select.value).toBe('viewer');
    const save = within(panel).getByRole('button', { name: `Save role of ${PERSON}` }) as HTMLButtonElement;
    expect(save.disabled).toBe(true); // nothing changed yet

    await user.selectOptions(select, 'operator');
    await user.click(save);
    await waitFor(async () =>
      expect((await api(h.url, 'GET', '/api/hq/members')).body.items).toMatchObject([{ objectId: PERSON, role: 'operator' }]),
    );
    await waitFor(() => expect(save.textContent).toBe('Save'));
    expect(save.disabled).toBe(true);

    await user.selectOptions(select, '');
    await user.click(save);
    await waitFor(async () =>
      expect((await api(h.url, 'GET', '/api/hq/members')).body.items).toMatchObject([{ objectId: PERSON, role: null }]),
    );
  });

  it('shows the 403 problem when an admin tries to grant owner', async () => {
    const key = await api(h.url, 'POST', '/api/hq/api-keys', { name: 'hq-admin', role: 'admin' });
    expect(key.status).toBe(201);
    configureApi({
      fetch: (input, init) => {
        const r = new Request(input, init);
        r.headers.set('X-Api-Key', key.body.key);
        return globalThis.fetch(r);
      },
    });
    const user = userEvent.setup();
    const qc = newQueryClient();
    render(
      <QueryClientProvider client={qc}>
        <MembersPanel />
      </QueryClientProvider>,
    );
    const select = (await screen.findByLabelText(`Direct role of ${PERSON}`)) as HTMLSelectElement;
    await user.selectOptions(select, 'owner');
    await user.click(screen.getByRole('button', { name: `Save role of ${PERSON}` }));
    const problem = await screen.findByRole('alert');
    expect(problem.textContent).toMatch(/Granting or changing the 'owner' role needs the 'owner' role yourself/);
    expect(problem.textContent).toMatch(/forbidden/);
    expect((await api(h.url, 'GET', '/api/hq/members')).body.items[0].role).toBeNull();
  });

  it('asks before callers lower their own role, and Keep my role changes nothing', async () => {
    await api(h.url, 'PUT', `/api/hq/members/${TENANT}/${PERSON}/role`, { role: 'admin' });
    // The development administrator is never a member; here the caller is shown as that person
    // (only the studio's idea of "me" is set; every request still goes to the real server).
    const qc = newQueryClient();
    qc.setQueryDefaults(['me'], { staleTime: Infinity });
    qc.setQueryData(['me'], {
      orgId: '00000000-0000-4000-8000-000000000000',
      orgName: 'x',
      actor: { type: 'user', id: `${TENANT}/${PERSON}` },
      role: 'admin',
      workflowScope: null,
      devMode: false,
    });
    const user = userEvent.setup();
    render(
      <QueryClientProvider client={qc}>
        <MembersPanel />
      </QueryClientProvider>,
    );
    const select = (await screen.findByLabelText(`Direct role of ${PERSON}`)) as HTMLSelectElement;
    expect(screen.getByText('(you)')).toBeTruthy();
    await user.selectOptions(select, 'editor');
    await user.click(screen.getByRole('button', { name: `Save role of ${PERSON}` }));
    const ask = screen.getByRole('group', { name: /lowers your own direct role from admin to editor/ });
    expect(ask.textContent).toMatch(/HQ will be closed to you/);
    expect(document.activeElement).toBe(within(ask).getByRole('button', { name: 'Lower my role' }));
    await user.click(within(ask).getByRole('button', { name: 'Keep my role' }));
    expect(select.value).toBe('admin');
    expect((await api(h.url, 'GET', '/api/hq/members')).body.items[0].role).toBe('admin');

    await user.selectOptions(select, 'editor');
    await user.click(screen.getByRole('button', { name: `Save role of ${PERSON}` }));
    await user.click(screen.getByRole('button', { name: 'Lower my role' }));
    await waitFor(() => expect(screen.queryByRole('group')).toBeNull());
    expect((await api(h.url, 'GET', '/api/hq/members')).body.items[0].role).toBe('editor');
  });
});
