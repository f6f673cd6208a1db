// @vitest-environment jsdom
/**
 * HQ → Organisation against a real control plane: the name and the maximum key lifetime are
 * edited and saved from the keyboard, the form shows the stored values after the refetch and the
 * audit log on the page shows the change; a lifetime of 0 is refused (422) with the server's field
 * problem shown and the field marked invalid; an empty lifetime means no limit; a failed load
 * shows the error state with a retry. How long finished runs are kept is set, refused at 0 days
 * with its field named, and cleared to keep runs forever. Axe finds no serious violations.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../../tests/helpers/test-platform';
import { newQueryClient } from '../../app';
import { axeViolations, failRequests, renderStudio, startHarness, type Harness } from '../../test/studio-harness';
import { OrganisationSettings } from './organisation-settings';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterEach(() => {
  cleanup();
  h.resetApi();
});
afterAll(async () => {
  await h?.close();
});

const input = (panel: HTMLElement, label: string) => within(panel).getByLabelText(label) as HTMLInputElement;

describe('organisation settings', () => {
  it('edits the name and the key lifetime, refuses a lifetime of 0 with its field, and clears the limit', async () => {
    const before = (await api(h.url, 'GET', '/api/hq/settings')).body;
    expect(before).toMatchObject({ apiKeysEnabled: true, apiKeyMaxLifetimeDays: null });
    const user = userEvent.setup();
    const view = renderStudio('/hq');
    const panel = await screen.findByRole('region', { name: 'Organisation' });
    await waitFor(() => expect(input(panel, 'Name').value).toBe(before.name));
    expect(input(panel, 'API keys enabled').checked).toBe(true);
    expect(input(panel, 'Maximum key lifetime (days)').value).toBe('');
    expect(within(panel).getByText(/Entra tenants: none linked/)).toBeTruthy(); // shown, not edited
    expect(await axeViolations(view.container)).toEqual([]);

    // Edit and save with the keyboard: Enter in a field submits the form.
    await user.clear(input(panel, 'Name'));
    await user.type(input(panel, 'Name'), 'Contoso Automation');
    await user.type(input(panel, 'Maximum key lifetime (days)'), '90{Enter}');
    await within(panel).findByText('Saved.');
    expect(document.activeElement).toBe(input(panel, 'Maximum key lifetime (days)'));
    expect((await api(h.url, 'GET', '/api/hq/settings')).body).toMatchObject({
      name: 'Contoso Automation',
      apiKeysEnabled: true,
      apiKeyMaxLifetimeDays: 90,
      updatedBy: expect.any(String),
    });
    // The form was reset from the refetched settings (updatedAt changed): the new values.
    await within(panel).findByText(/Last changed by/);
    expect(input(panel, 'Name').value).toBe('Contoso Automation');
    expect(input(panel, 'Maximum key lifetime (days)').value).toBe('90');
    // The audit log on the same page shows the change without a reload.
    await screen.findByText('org_settings.update');

    // 0 days: the server refuses it (422) and names the field; nothing is stored.
    await user.clear(input(panel, 'Maximum key lifetime (days)'));
    await user.type(input(panel, 'Maximum key lifetime (days)'), '0');
    expect(within(panel).queryByText('Saved.')).toBeNull();
    await user.click(within(panel).getByRole('button', { name: 'Save organisation settings' }));
    const problem = await within(panel).findByRole('alert');
    // The field by its label, not its API name; status and code only under "Details for support".
    expect(within(problem).getByText('Maximum key lifetime (days):')).toBeTruthy();
    expect(problem.textContent).not.toMatch(/apiKeyMaxLifetimeDays|HTTP 422/);
    expect(problem.querySelector('details')!.textContent).toMatch(/Status 422, code validation_failed/);
    const lifetime = input(panel, 'Maximum key lifetime (days)');
    expect(lifetime.getAttribute('aria-invalid')).toBe('true');
    expect(lifetime.getAttribute('aria-describedby')).toContain('org-problems');
    expect(input(panel, 'Name').getAttribute('aria-invalid')).toBeNull();
    expect(await axeViolations(view.container)).toEqual([]);
    expect((await api(h.url, 'GET', '/api/hq/settings')).body.apiKeyMaxLifetimeDays).toBe(90);

    // Empty means no limit; the checkbox turns API keys off.
    await user.clear(lifetime);
    await user.click(input(panel, 'API keys enabled'));
    await user.click(within(panel).getByRole('button', { name: 'Save organisation settings' }));
    await within(panel).findByText('Saved.');
    expect(within(panel).queryByRole('alert')).toBeNull();
    expect((await api(h.url, 'GET', '/api/hq/settings')).body).toMatchObject({
      name: 'Contoso Automation',
      apiKeysEnabled: false,
      apiKeyMaxLifetimeDays: null,
    });
    expect(input(panel, 'API keys enabled').checked).toBe(false);
    expect(input(panel, 'Maximum key lifetime (days)').value).toBe('');
    expect(input(panel, 'Maximum key lifetime (days)').getAttribute('aria-invalid')).toBeNull();

    // Put the organisation back as it was for the rest of this file.
    expect(
      (await api(h.url, 'PUT', '/api/hq/settings', { name: before.name, apiKeysEnabled: true, apiKeyMaxLifetimeDays: null })).status,
    ).toBe(200);
  });

  it('sets how long finished runs are kept, refuses 0 days with its field, and clears it to keep runs forever', async () => {
    const before = (await api(h.url, 'GET', '/api/hq/settings')).body;
    expect(before.runRetentionDays).toBeNull();
    const user = userEvent.setup();
    renderStudio('/hq');
    const panel = await screen.findByRole('region', { name: 'Organisation' });
    const field = await waitFor(() => input(panel, 'Keep finished runs (days)'));
    expect(field.value).toBe('');
    await user.type(field, '30{Enter}');
    await within(panel).findByText('Saved.');
    expect((await api(h.url, 'GET', '/api/hq/settings')).body.runRetentionDays).toBe(30);

    await user.clear(input(panel, 'Keep finished runs (days)'));
    await user.type(input(panel, 'Keep finished runs (days)'), '0');
    await user.click(within(panel).getByRole('button', { name: 'Save organisation settings' }));
    const problem = await within(panel).findByRole('alert');
    expect(within(problem).getByText('Keep finished runs (days):')).toBeTruthy();
    expect(input(panel, 'Keep finished runs (days)').getAttribute('aria-invalid')).toBe('true');
    expect((await api(h.url, 'GET', '/api/hq/settings')).body.runRetentionDays).toBe(30);

    await user.clear(input(panel, 'Keep finished runs (days)'));
    await user.click(within(panel).getByRole('button', { name: 'Save organisation settings' }));
    await within(panel).findByText('Saved.');
    expect((await api(h.url, 'GET', '/api/hq/settings')).body.runRetentionDays).toBeNull();
  });

  it('shows a loading state, then an error state with a retry when the settings cannot be loaded', async () => {
    failRequests((url) => url.endsWith('/api/hq/settings'), 'The settings store is down.');
    const view = render(
      <QueryClientProvider client={newQueryClient()}>
        <OrganisationSettings />
      </QueryClientProvider>,
    );
    expect(screen.getByRole('status').textContent).toMatch(/Loading settings/);
    const alert = await screen.findByRole('alert', {}, { timeout: 15_000 });
    expect(alert.textContent).toContain('The settings store is down.');
    expect(alert.textContent).toContain('internal_error');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeTruthy();
    expect(screen.queryByLabelText('Name')).toBeNull();
    expect(await axeViolations(view.container)).toEqual([]);
  });
});
