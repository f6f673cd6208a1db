// @vitest-environment jsdom
/**
 * Connector forms against a real control plane's adapter catalogue: a nested setting (Business
 * Central `auth`) is a group with a type list, not a text box showing "[object Object]"; only the
 * chosen auth type's secrets are shown; labels are words; a connector's card says where it
 * connects; editing keeps stored secrets unless the host changes; deleting asks first.
 */
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/helpers/test-platform';
import { visibleSecrets, whereItConnects, type Schema } from '../components/connection-form';
import { axeViolations, renderStudio, startHarness, type Harness } from '../test/studio-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterEach(() => cleanup());
afterAll(async () => h.close());

const secretLabels = (form: HTMLElement) =>
  [...form.querySelectorAll('label')].map((l) => l.textContent ?? '').filter((t) => t.includes('(secret)'));

describe('connectors page', () => {
  it('renders Business Central auth as a group and shows only the chosen auth type’s secrets', async () => {
    const user = userEvent.setup();
    const view = renderStudio('/connectors');
    await screen.findByText('No connectors in this project yet.');
    await user.selectOptions(screen.getByLabelText('System'), 'business-central');
    const form = screen.getByRole('form', { name: 'New connector' });
    expect(form.innerHTML).not.toContain('[object Object]');
    expect(within(form).getByRole('group', { name: 'Auth' })).toBeTruthy();
    // Labels in words, not key names.
    expect(within(form).getByLabelText('Base URL (required)')).toBeTruthy();
    expect(within(form).getByLabelText('Tenant id')).toBeTruthy();
    expect(within(form).queryByLabelText(/^baseUrl/)).toBeNull();
    // Auth "None" (the default) needs no secret.
    expect(secretLabels(form)).toEqual([]);
    await user.selectOptions(within(form).getByLabelText('Auth type'), 'oauth2-client-credentials');
    expect(secretLabels(form)).toEqual(['Client id (secret)', 'Client secret (secret)']);
    expect(within(form).getByLabelText('Token URL')).toBeTruthy();
    await user.selectOptions(within(form).getByLabelText('Auth type'), 'basic');
    expect(secretLabels(form)).toEqual(['Username (secret)', 'Password (secret)']);
    await user.selectOptions(within(form).getByLabelText('Auth type'), 'oauth2-client-credentials');
    expect(await axeViolations(view.container)).toEqual([]);

    await user.type(within(form).getByLabelText('Name'), 'erp');
    await user.type(within(form).getByLabelText('Base URL (required)'), 'http://127.0.0.1:9/v2.0/tenant/production/api/v2.0');
    await user.type(within(form).getByLabelText('Scope'), 'https://api.businesscentral.dynamics.com/.default');
    await user.type(within(form).getByLabelText('Client id (secret)'), 'app-id');
    await user.type(within(form).getByLabelText('Client secret (secret)'), 'app-secret');
    await user.click(within(form).getByRole('button', { name: 'Create connector' }));
    const card = await screen.findByText('erp', { selector: '[data-connector] h2' });
    expect(card.closest('li')!.querySelector('[data-testid="connects-to"]')!.textContent).toBe('Connects to 127.0.0.1:9');
    const stored = (await api(h.url, 'GET', '/api/connectors')).body.items.find((c: { name: string }) => c.name === 'erp');
    expect(stored.settings.auth).toEqual({ type: 'oauth2-client-credentials', scope: 'https://api.businesscentral.dynamics.com/.default' });
    expect([...stored.secretNames].sort()).toEqual(['clientId', 'clientSecret']);
  });

  it('shows where a database connector connects, edits its settings keeping its secret, asks for the secret again when the host changes, and asks before deleting', async () => {
    const user = userEvent.setup();
    const created = await api(h.url, 'POST', '/api/connectors', {
      name: 'orders-db',
      systemType: 'postgres',
      settings: { host: '127.0.0.1', database: 'test', user: 'postgres', ssl: 'disable' },
      secrets: { password: 'pw-1' },
    });
    expect(created.status).toBe(201);
    renderStudio('/connectors');
    const card = (await screen.findByText('orders-db', { selector: '[data-connector] h2' })).closest('li')!;
    expect(within(card).getByTestId('connects-to').textContent).toBe('Connects to 127.0.0.1 · database test');

    await user.click(within(card).getByRole('button', { name: 'Edit orders-db' }));
    const form = within(card).getByRole('form', { name: 'Edit orders-db' });
    const database = within(form).getByLabelText('Database (required)') as HTMLInputElement;
    expect(database.value).toBe('test');
    expect(within(form).getByText(/Stored\. Leave empty to keep it/)).toBeTruthy();
    await user.clear(database);
    await user.type(database, 'postgres');
    await user.click(within(form).getByRole('button', { name: 'Save connector' }));
    await waitFor(() => expect(within(card).getByTestId('connects-to').textContent).toBe('Connects to 127.0.0.1 · database postgres'));
    let stored = (await api(h.url, 'GET', `/api/connectors/${created.body.id}`)).body;
    expect(stored.settings.database).toBe('postgres');
    expect(stored.secretNames).toEqual(['password']);

    // A new host: the stored password must be typed again.
    await user.click(within(card).getByRole('button', { name: 'Edit orders-db' }));
    const again = within(card).getByRole('form', { name: 'Edit orders-db' });
    const host = within(again).getByLabelText('Host (required)');
    await user.clear(host);
    await user.type(host, 'localhost');
    expect(within(again).getByRole('note').textContent).toMatch(/The host changed: enter the secrets again/);
    const password = within(again).getByLabelText('Password (secret) (required: the host changed)') as HTMLInputElement;
    expect(password.required).toBe(true);
    await user.type(password, 'pw-2');
    await user.click(within(again).getByRole('button', { name: 'Save connector' }));
    await waitFor(() => expect(within(card).getByTestId('connects-to').textContent).toBe('Connects to localhost · database postgres'));
    stored = (await api(h.url, 'GET', `/api/connectors/${created.body.id}`)).body;
    expect(stored.settings.host).toBe('localhost');

    await user.click(within(card).getByRole('button', { name: 'Delete orders-db' }));
    const ask = screen.getByRole('alertdialog', { name: 'Delete connector orders-db?' });
    await user.click(within(ask).getByRole('button', { name: 'Keep' }));
    expect((await api(h.url, 'GET', `/api/connectors/${created.body.id}`)).status).toBe(200);
    await user.click(within(card).getByRole('button', { name: 'Delete orders-db' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete connector' }));
    await waitFor(async () => expect((await api(h.url, 'GET', `/api/connectors/${created.body.id}`)).status).toBe(404));
  });
});

describe('connection form helpers', () => {
  it('whereItConnects names host, port and database, or a URL’s host', () => {
    expect(whereItConnects({ host: 'db.internal', port: 5433, database: 'erp' })).toBe('db.internal:5433 · database erp');
    expect(whereItConnects({ baseUrl: 'https://api.example.com/v2' })).toBe('api.example.com');
    expect(whereItConnects({ path: '/x' })).toBeNull();
  });

  it('visibleSecrets keeps secrets no auth shape names', () => {
    const settings: Schema = {
      properties: {
        auth: {
          oneOf: [{ properties: { type: { const: 'none' } } }, { properties: { type: { const: 'bearer' } }, description: 'secrets.token' }],
        },
      },
    };
    const secrets: Schema = { properties: { token: {}, other: {} } };
    expect(visibleSecrets(settings, secrets, {})).toEqual(['other']);
    expect(visibleSecrets(settings, secrets, { auth: { type: 'bearer' } })).toEqual(['token', 'other']);
  });
});
