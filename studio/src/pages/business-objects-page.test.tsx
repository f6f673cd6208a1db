// @vitest-environment jsdom
/** Business objects against a real control plane: a type created from the form, its records listed. */
import { cleanup, fireEvent, screen } from '@testing-library/react';
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

describe('business objects page', () => {
  it('creates a type from the form, refuses a broken schema, and lists records', async () => {
    const user = userEvent.setup();
    const view = renderStudio('/business-objects');
    await screen.findByText('No business object types in this project yet.');
    const schema = screen.getByLabelText('Schema (JSON Schema)');
    fireEvent.change(schema, { target: { value: '{ "type": ' } });
    expect(screen.getByText(/Not valid JSON/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Create type' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(schema, { target: { value: JSON.stringify({ type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } }, required: ['id'] }) } });
    await user.type(screen.getByLabelText('Name'), 'customer');
    await user.click(screen.getByRole('button', { name: 'Create type' }));
    await screen.findByRole('heading', { name: 'customer' });
    await screen.findByText('No records match.');
    expect(await axeViolations(view.container)).toEqual([]);
    view.unmount();

    const rec = await api(h.url, 'POST', '/api/business-objects/customer', { id: 'c-1', name: 'Ada' });
    expect(rec.status).toBe(201);
    renderStudio('/business-objects');
    await screen.findByText('c-1');
    expect(screen.getByText(/"name":"Ada"/)).toBeTruthy();
  });
});
