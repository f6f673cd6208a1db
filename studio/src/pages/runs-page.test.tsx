// @vitest-environment jsdom
/**
 * The runs list against a real control plane: the time filter is the API's (createdAfter /
 * createdBefore), "Between…" takes two local date-times, and a reversed window shows the
 * server's invalid_time_range problem.
 */
import { cleanup, fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../../tests/helpers/test-platform';
import { axeViolations, renderStudio, startHarness, type Harness } from '../test/studio-harness';
import { localToIso } from './runs-page';

let h: Harness;
let recent: string;
let old: string;
beforeAll(async () => {
  h = await startHarness();
  const wf = await api(h.url, 'POST', '/api/workflows', {
    name: 'timed',
    tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo' }],
  });
  recent = (await api(h.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: {} })).body.id;
  old = (await api(h.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: {} })).body.id;
  // No worker runs here: the second run is moved three days into the past.
  await h.platform.db.query(`UPDATE workflow_runs SET created_at = now() - interval '3 days' WHERE id = $1::uuid`, [old]);
});
afterEach(() => cleanup());
afterAll(async () => h.close());

const link = (id: string) => ({ name: `Run ${id.slice(0, 8)} of timed` });

describe('runs page time filter', () => {
  it('asks the API for the last 24 hours or 7 days', async () => {
    const user = userEvent.setup();
    const view = renderStudio('/runs');
    await screen.findByRole('link', link(old));
    expect(screen.getByRole('link', link(recent))).toBeTruthy();
    // The filter says what it filters on.
    expect(screen.getByLabelText('Created').getAttribute('aria-describedby')).toBe('f-since-help');
    expect(document.getElementById('f-since-help')!.textContent).toMatch(/status, their workflow and when they were created/);
    await user.selectOptions(screen.getByLabelText('Created'), 'Last 24 hours');
    await screen.findByRole('link', link(recent));
    expect(screen.queryByRole('link', link(old))).toBeNull();
    await user.selectOptions(screen.getByLabelText('Created'), 'Last 7 days');
    await screen.findByRole('link', link(old));
    expect(await axeViolations(view.container)).toEqual([]);
  });

  it('filters between two local date-times, and shows the problem when they are reversed', async () => {
    const user = userEvent.setup();
    renderStudio('/runs');
    await screen.findByRole('link', link(recent));
    await user.selectOptions(screen.getByLabelText('Created'), 'Between…');
    const pad = (n: number) => String(n).padStart(2, '0');
    const local = (d: Date) =>
      `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    const day = 86_400_000;
    fireEvent.change(screen.getByLabelText('From (your time)'), { target: { value: local(new Date(Date.now() - 4 * day)) } });
    fireEvent.change(screen.getByLabelText('Until (your time)'), { target: { value: local(new Date(Date.now() - 2 * day)) } });
    await screen.findByRole('link', link(old));
    expect(screen.queryByRole('link', link(recent))).toBeNull();

    fireEvent.change(screen.getByLabelText('Until (your time)'), { target: { value: local(new Date(Date.now() - 5 * day)) } });
    const alert = await screen.findByRole('alert');
    // In words, not the API's field names.
    expect(alert.querySelector('p')!.textContent).toBe('The start of the time window is later than its end.');
    expect(alert.textContent).not.toMatch(/createdAfter|HTTP 400/);
    expect(screen.queryByRole('link', link(old))).toBeNull();
  });
});

describe('localToIso', () => {
  it('reads a datetime-local value in the browser time zone, and ignores empty or broken ones', () => {
    expect(localToIso('2026-03-01T10:30')).toBe(new Date(2026, 2, 1, 10, 30).toISOString());
    expect(localToIso('')).toBeUndefined();
    expect(localToIso('not a time')).toBeUndefined();
  });
});
