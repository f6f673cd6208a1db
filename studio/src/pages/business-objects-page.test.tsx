// @vitest-environment jsdom
/**
 * Business objects against a real control plane: a type created from the form, its records
 * listed, added, edited and deleted through a form from the type's schema; the filter's example,
 * builder, and what it says about a filter that is not one.
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/helpers/test-platform';
import { axeViolations, renderStudio, startHarness, type Harness } from '../test/studio-harness';
import { addToFilter, filterProblem } from './business-objects-page';

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
    fireEvent.change(schema, {
      target: {
        value: JSON.stringify({ type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } }, required: ['id'] }),
      },
    });
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

  it('adds, edits and deletes records through a form from the schema, and builds and checks the filter', async () => {
    const user = userEvent.setup();
    const t = await api(h.url, 'POST', '/api/business-object-types', {
      name: 'supplier',
      keyField: 'code',
      schema: {
        type: 'object',
        properties: { code: { type: 'string' }, name: { type: 'string' }, rating: { type: 'integer' } },
        required: ['code', 'name'],
      },
    });
    expect(t.status).toBe(201);
    const view = renderStudio('/business-objects');
    await user.click(await screen.findByRole('button', { name: 'supplier' }));
    await screen.findByRole('heading', { name: 'supplier' });
    await screen.findByText('No records match.');
    await user.click(screen.getByRole('button', { name: 'Add record' }));
    const form = screen.getByRole('form', { name: 'New supplier record' });
    expect((within(form).getByRole('button', { name: 'Add record' }) as HTMLButtonElement).disabled).toBe(true);
    await user.type(within(form).getByLabelText(/^code/), 's-1');
    await user.type(within(form).getByLabelText(/^name/), 'Acme');
    await user.type(within(form).getByLabelText(/^rating/), '4');
    expect(await axeViolations(view.container)).toEqual([]);
    await user.click(within(form).getByRole('button', { name: 'Add record' }));
    await screen.findByText('s-1');
    expect((await api(h.url, 'GET', '/api/business-objects/supplier/s-1')).body.data).toEqual({ code: 's-1', name: 'Acme', rating: 4 });

    await user.click(screen.getByRole('button', { name: 'Edit record s-1' }));
    const edit = screen.getByRole('form', { name: 'Edit record s-1' });
    const name = within(edit).getByLabelText(/^name/) as HTMLInputElement;
    expect(name.value).toBe('Acme');
    await user.clear(name);
    await user.type(name, 'Acme Ltd');
    await user.click(within(edit).getByRole('button', { name: 'Save record' }));
    await screen.findByText(/"name":"Acme Ltd"/);
    await api(h.url, 'POST', '/api/business-objects/supplier', { code: 's-2', name: 'Bolt', rating: 2 });

    // The filter: an example, a builder from the fields, and what a filter must be.
    const filter = screen.getByLabelText('Filter') as HTMLInputElement;
    expect(filter.placeholder).toBe('e.g. {"name": "Ada"}');
    fireEvent.change(filter, { target: { value: "name = 'Bolt'" } });
    expect(screen.getByRole('alert').textContent).toMatch(/A filter is a JSON object of field values, e.g. \{"name": "Ada"\}/);
    expect((screen.getByRole('button', { name: 'Apply' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(filter, { target: { value: '' } });
    await user.selectOptions(screen.getByLabelText('Field'), 'rating');
    await user.type(screen.getByLabelText('equals'), '2');
    await user.click(screen.getByRole('button', { name: 'Add to filter' }));
    expect(filter.value).toBe('{"rating":2}');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await screen.findByText('s-2');
    expect(screen.queryByText('s-1')).toBeNull();

    fireEvent.change(filter, { target: { value: '' } });
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await screen.findByText('s-1');
    await user.click(screen.getByRole('button', { name: 'Delete record s-1' }));
    await user.click(within(screen.getByRole('alertdialog', { name: 'Delete record s-1?' })).getByRole('button', { name: 'Keep' }));
    expect((await api(h.url, 'GET', '/api/business-objects/supplier/s-1')).status).toBe(200);
    await user.click(screen.getByRole('button', { name: 'Delete record s-1' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete record' }));
    await waitFor(() => expect(screen.queryByText('s-1')).toBeNull());
    expect((await api(h.url, 'GET', '/api/business-objects/supplier/s-1')).status).toBe(404);
  });

  it('filterProblem and addToFilter', () => {
    expect(filterProblem('')).toBeNull();
    expect(filterProblem('{"a": 1}')).toBeNull();
    expect(filterProblem('[1]')).toMatch(/not a single value or a list/);
    expect(filterProblem('{a: 1}')).toMatch(/not valid JSON/);
    expect(filterProblem("name = 'Bolt'")).toMatch(/Did you mean \{"name":"Bolt"\}\?$/);
    expect(filterProblem('rating: 2')).toMatch(/Did you mean \{"rating":2\}\?$/);
    expect(addToFilter('{"a":1}', 'b', 'x')).toBe('{"a":1,"b":"x"}');
    expect(addToFilter('', 'n', '3')).toBe('{"n":3}');
    expect(addToFilter('broken', 'ok', 'true')).toBe('{"ok":true}');
  });
});
