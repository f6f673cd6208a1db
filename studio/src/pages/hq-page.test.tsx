// @vitest-environment jsdom
/**
 * HQ against a real control plane: sub-navigation to every section; the API key list shows
 * expiry and a copy button for a new key; revoking asks first, and revoking the key just shown
 * removes its "copy now" banner.
 */
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/helpers/test-platform';
import { renderStudio, startHarness, type Harness } from '../test/studio-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterEach(() => cleanup());
afterAll(async () => h.close());

describe('HQ page', () => {
  it('has sub-navigation to each section', async () => {
    renderStudio('/hq');
    const nav = await screen.findByRole('navigation', { name: 'HQ sections' });
    const links = within(nav).getAllByRole('link');
    expect(links.map((l) => l.textContent)).toEqual([
      'Organisation',
      'Model provider',
      'System',
      'Members',
      'Group mappings',
      'API keys',
      'Audit log',
    ]);
    for (const l of links) expect(document.getElementById(`hq-${l.getAttribute('href')!.slice(1)}`)).not.toBeNull();
  });

  it('lists keys with their expiry, copies a new key, asks before revoking, and drops the banner of a revoked key', async () => {
    const user = userEvent.setup();
    const expiring = await api(h.url, 'POST', '/api/hq/api-keys', {
      name: 'nightly-export',
      role: 'viewer',
      expiresAt: '2031-05-01T12:00:00Z',
    });
    expect(expiring.status).toBe(201);
    renderStudio('/hq');
    const panel = (await screen.findByRole('heading', { name: 'API keys' })).closest('section')!;
    const row = await within(panel).findByRole('row', { name: /nightly-export/ });
    expect(row.textContent).toMatch(/2031/);
    expect(within(panel).getByRole('columnheader', { name: 'Expires' })).toBeTruthy();

    await user.type(within(panel).getByLabelText('Key name'), 'ci');
    await user.click(within(panel).getByRole('button', { name: 'Create key' }));
    const banner = await within(panel).findByRole('alert');
    const key = banner.querySelector('code')!.textContent!;
    let copied = '';
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t: string) => void (copied = t) } });
    await user.click(within(banner).getByRole('button', { name: 'Copy the new key' }));
    await within(banner).findByText(/Copied\./);
    expect(copied).toBe(key);
    await within(panel).findByRole('row', { name: /\bci\b.*never/ });

    await user.click(within(panel).getByRole('button', { name: 'Revoke ci' }));
    const ask = screen.getByRole('alertdialog', { name: 'Revoke the key ci?' });
    await user.click(within(ask).getByRole('button', { name: 'Keep' }));
    expect(within(panel).getByRole('alert')).toBeTruthy();
    await user.click(within(panel).getByRole('button', { name: 'Revoke ci' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Revoke key' }));
    await waitFor(() => expect(within(panel).queryByText(/Copy this key now/)).toBeNull());
    await waitFor(() => expect(within(panel).getByRole('row', { name: /\bci\b/ }).textContent).toMatch(/revoked/));
  });
});
