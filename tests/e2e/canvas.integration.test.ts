/**
 * End to end, the builder canvas: the built studio in Debian's Chromium (playwright-core) against
 * the local host on real PostgreSQL and Redis with an in-process worker. Builds the
 * upsert-if-exists workflow (look up; if found update, else create; then post) on the canvas from
 * its first task, with the palette, the mouse and the keyboard; checks the edges React Flow draws;
 * saves a draft, publishes it, runs it and sees the graph's states (the branch not taken SKIPPED)
 * and a task's details; axe finds no serious violations on the workflow and run pages.
 * `UPDATE_SCREENSHOTS=1` writes the screenshots into docs/screenshots.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axe, removeShots, shotsDir, startStudioBrowser, type StudioBrowser } from '../helpers/studio-browser';
import { api, waitFor } from '../helpers/test-platform';

const SHOTS = shotsDir();

let studio: StudioBrowser;
let host: StudioBrowser['host'];
let page: StudioBrowser['page'];

beforeAll(async () => {
  studio = await startStudioBrowser();
  ({ host, page } = studio);
}, 240_000);

afterEach(() => {
  expect(studio.pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await studio?.close();
  removeShots(SHOTS);
});

const node = (key: string) => page.locator(`.react-flow__node[data-id="${key}"]`);

/** Adds `platform · echo` from the palette by keyboard, names it, and sets its condition. */
async function addEcho(key: string, condition?: string) {
  await page.getByRole('button', { name: 'Add task…' }).click();
  await page.getByLabel('Search operations and task types').fill('platform echo');
  await page.getByLabel('Search operations and task types').press('Enter');
  const panel = page.getByRole('region', { name: /^Task echo/ });
  await panel.getByLabel('Key').fill(key);
  await panel.getByLabel('Key').press('Enter');
  const named = page.getByRole('region', { name: `Task ${key}` });
  await named.waitFor();
  if (condition) {
    await named.getByLabel('Runs only when (JSONata, optional)').fill(condition);
    await named.getByLabel('Runs only when (JSONata, optional)').press('Tab');
  }
}

describe('builder canvas (Chromium, real control plane)', () => {
  it('builds upsert-if-exists on the canvas, publishes it, runs it and shows the states on the run graph', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'upsert-if-exists',
      description: 'Looks the customer up; updates it when found, else creates it; then posts the order.',
      inputSchema: { type: 'object', properties: { exists: { type: 'boolean', description: 'Whether the customer exists' } } },
      tasks: [{ key: 'lookup', type: 'atomic', connector: 'platform', operation: 'echo', input: { found: '{{ input.exists }}' } }],
    });
    expect(wf.status).toBe(201);
    await page.goto(`${host.url}/workflows/${wf.body.id}`);
    await expect.poll(() => page.title()).toBe('Workflow · Demiton studio');
    await page.getByRole('tab', { name: 'Edit' }).click();
    await node('lookup').waitFor();

    await addEcho('update', 'steps.lookup.found = true');
    // The else-branch: choose lookup with the mouse, then add after it.
    await node('lookup').click();
    await page.getByRole('region', { name: 'Task lookup' }).waitFor();
    await addEcho('create', 'steps.lookup.found != true');
    await addEcho('post');
    await page.getByRole('region', { name: 'Task post' }).getByRole('checkbox', { name: 'update' }).check();

    // React Flow draws an edge per need: both branches from lookup, both into the join.
    for (const id of ['lookup->update', 'lookup->create', 'create->post', 'update->post'])
      await expect.poll(() => page.locator(`.react-flow__edge[data-id="${id}"]`).count(), { message: id }).toBe(1);
    const boxes = await Promise.all(['update', 'create'].map((k) => node(k).boundingBox()));
    expect(Math.abs(boxes[0]!.y - boxes[1]!.y)).toBeLessThan(2); // the branches side by side
    await page.getByRole('button', { name: 'Zoom to fit' }).click();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, 'workflow-canvas.png') });
    expect(await axe(page)).toEqual([]);

    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText(/Draft saved .* until you publish/).waitFor();
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.getByTestId('version-line').textContent()).toMatch(/^Version 2 · saved/);

    // Run it with a customer that exists: create is skipped.
    const run = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { exists: true } });
    await waitFor(
      async () => ((await api(host.url, 'GET', `/api/runs/${run.body.id}`)).body.status === 'SUCCEEDED' ? true : null),
      30_000,
      100,
    );
    await page.goto(`${host.url}/runs/${run.body.id}`);
    await expect.poll(() => page.title()).toBe('Run · Demiton studio');
    await expect.poll(() => node('create').getAttribute('aria-label')).toMatch(/status SKIPPED$/);
    expect(await node('create').locator('.canvas-node.state-skipped').count()).toBe(1);
    expect(await node('post').getAttribute('aria-label')).toMatch(/status SUCCEEDED$/);
    await node('lookup').click();
    const details = page.getByRole('region', { name: 'Details of task lookup' });
    await details.waitFor();
    expect(await details.getByLabel('Output of task lookup (details)').textContent()).toContain('"found": true');
    await page.screenshot({ path: join(SHOTS, 'run-graph.png') });
    expect(await axe(page)).toEqual([]);
  }, 180_000);
});
