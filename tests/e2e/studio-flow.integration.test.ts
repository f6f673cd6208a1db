/**
 * End to end, the builder's whole loop and the Inbox: the built studio in Debian's Chromium
 * (playwright-core) against the local host on real PostgreSQL and Redis with an in-process worker
 * and the wait timer.
 *
 * 1. From an empty canvas (the starter task deleted with the keyboard), builds upsert-if-exists
 *    (look up; if found update, else create; then post) with the palette, the mouse and the
 *    keyboard; tests the lookup step on its own, pins its data and tests with the pin; sees the
 *    post step's test fail with its error; leaving with unsaved changes
 *    asks first; publishes; runs it from the Run dialog and watches the run page live until the
 *    post step fails; fixes post and publishes; compares the fixed version with the one that ran;
 *    replays the failed run from post with the latest version and an edited input ("Edit and
 *    replay") and watches attempt 2 of the same run succeed.
 * 2. A purchase with an approval task: the run waits (the approval drawn as one on the run graph),
 *    the signed-in person approves it from the Inbox with a comment, the run completes.
 * 3. Every route: its own title, the favicon, and axe finds no serious or critical violation.
 *
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

/** Polls with room for a loaded machine: each of these waits on a server round trip or the worker. */
const poll = <T>(f: () => T | Promise<T>, o: { message?: string; timeout?: number } = {}) => expect.poll(f, { timeout: 20_000, ...o });

const node = (key: string) => page.locator(`.react-flow__node[data-id="${key}"]`);
const runStatus = async (id: string) => (await api(host.url, 'GET', `/api/runs/${id}`)).body as { status: string; attempt: number };

/** Adds an operation from the palette by keyboard (search, Enter) and names the new task. */
async function addFromPalette(search: string, made: RegExp, key: string, condition?: string) {
  await page.getByRole('button', { name: 'Add task…' }).click();
  await page.getByLabel('Search operations and task types').fill(search);
  await page.getByLabel('Search operations and task types').press('Enter');
  const panel = page.getByRole('region', { name: made });
  await panel.getByLabel('Key').fill(key);
  await panel.getByLabel('Key').press('Enter');
  const named = page.getByRole('region', { name: `Task ${key}` });
  await named.waitFor();
  if (condition) {
    await named.getByLabel('Runs only when (JSONata, optional)').fill(condition);
    await named.getByLabel('Runs only when (JSONata, optional)').press('Tab');
  }
}

/** Rewrites the definition in the JSON editor (the canvas redraws from it): `change` edits the parsed definition. */
async function editJson(change: (d: { tasks: Array<Record<string, unknown>> }) => void) {
  const editor = page.getByLabel(/^Definition \(JSON\)/);
  const def = JSON.parse(await editor.inputValue()) as { tasks: Array<Record<string, unknown>> };
  change(def);
  await editor.fill(JSON.stringify(def, null, 2));
}

describe('studio flow (Chromium, real control plane)', () => {
  it('builds upsert-if-exists from an empty canvas, tests a step, publishes, runs, fails, fixes and replays the failure', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'upsert-if-exists',
      description: 'Looks the customer up; updates it when found, else creates it; then posts the order.',
      inputSchema: {
        type: 'object',
        properties: {
          customer: { type: 'string', description: 'Customer name' },
          exists: { type: 'boolean', description: 'Whether the customer exists' },
        },
        required: ['customer'],
      },
      tasks: [{ key: 'starter', type: 'atomic', connector: 'platform', operation: 'echo', input: {} }],
    });
    expect(wf.status).toBe(201);
    const id = wf.body.id as string;
    await page.goto(`${host.url}/workflows/${id}`);
    await page.getByRole('tab', { name: 'Edit' }).click();

    // An empty canvas: choose the starter task with the mouse, delete it with the keyboard.
    await node('starter').click();
    await page.getByRole('region', { name: 'Task starter' }).waitFor();
    await page.keyboard.press('Delete');
    await poll(() => page.locator('.react-flow__node').count()).toBe(0);

    await addFromPalette('platform echo', /^Task echo/, 'lookup');
    await addFromPalette('platform echo', /^Task echo/, 'update', 'steps.lookup.found = true');
    await node('lookup').click(); // the else-branch goes after lookup too
    await page.getByRole('region', { name: 'Task lookup' }).waitFor();
    await addFromPalette('platform echo', /^Task echo/, 'create', 'steps.lookup.found != true');
    await addFromPalette('platform transform', /^Task transform/, 'post');
    await page.getByRole('region', { name: 'Task post' }).getByRole('checkbox', { name: 'update' }).check();
    for (const e of ['lookup->update', 'lookup->create', 'create->post', 'update->post'])
      await poll(() => page.locator(`.react-flow__edge[data-id="${e}"]`).count(), { message: e }).toBe(1);
    // The mappings, typed in the JSON view; post calls a function that does not exist (the bug fixed later).
    await editJson((d) => {
      const t = Object.fromEntries(d.tasks.map((x) => [x.key, x]));
      t['lookup']!['input'] = { found: '{{ input.exists }}', customer: '{{ input.customer }}' };
      t['update']!['input'] = { action: 'update' };
      t['create']!['input'] = { action: 'create' };
      t['post']!['input'] = { expression: "'posted ' & $postOrder(input.customer)" };
    });
    await poll(() => node('post').getAttribute('aria-label')).toMatch(/after update, create|after create, update/);

    // Unsaved changes: leaving by a link asks first, and staying keeps the work.
    await page.getByRole('link', { name: 'Runs', exact: true }).first().click();
    const leave = page.getByRole('alertdialog', { name: 'Leave without saving?' });
    await leave.waitFor();
    await leave.getByRole('button', { name: 'Stay and keep editing' }).click();
    await node('post').waitFor();

    // Test the lookup step alone with given data; the text is saved as the draft first.
    await node('lookup').click();
    const tester = page.getByRole('region', { name: 'Step test: lookup' });
    await tester.getByLabel('Test data (JSON)').fill(JSON.stringify({ input: { exists: true, customer: 'Ada' }, steps: {} }));
    await tester.getByRole('button', { name: 'Test step' }).click();
    const result = page.getByRole('region', { name: 'Step test result: lookup' });
    await result.getByText('Succeeded', { exact: true }).waitFor({ timeout: 30_000 });
    const out = JSON.parse((await result.getByLabel('Step test output: lookup').textContent())!) as Record<string, unknown>;
    expect(out).toEqual({ found: true, customer: 'Ada' });
    await poll(() => page.getByTestId('draft-line').textContent()).toMatch(/Draft: saved .* from version 1; runs use version 1/);
    await tester.getByRole('button', { name: 'Pin this data' }).click();
    await tester.getByText('Data pinned to this task.').waitFor();
    const pins = await api(host.url, 'GET', `/api/workflows/${id}/draft/pins`);
    expect(pins.body.pins).toEqual({ lookup: { input: { exists: true, customer: 'Ada' }, steps: {} } });
    // The pin is what an empty test uses: a new test run, with the same output.
    const firstRun = await result.getByText(/^test run /).textContent();
    await tester.getByRole('button', { name: 'Test with the pin' }).click();
    await poll(() => result.getByText(/^test run /).textContent()).not.toBe(firstRun);
    await result.getByText('Succeeded', { exact: true }).waitFor({ timeout: 30_000 });
    expect(JSON.parse((await result.getByLabel('Step test output: lookup').textContent())!)).toEqual({ found: true, customer: 'Ada' });
    await tester.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'step-test.png') });
    expect(await axe(page)).toEqual([]);

    // A step that fails shows its error: post calls a function that does not exist.
    await node('post').click();
    const postTester = page.getByRole('region', { name: 'Step test: post' });
    await postTester.getByLabel('Test data (JSON)').fill(JSON.stringify({ input: { customer: 'Ada' }, steps: {} }));
    await postTester.getByRole('button', { name: 'Test step' }).click();
    const postResult = page.getByRole('region', { name: 'Step test result: post' });
    await postResult.getByText('Failed', { exact: true }).waitFor({ timeout: 30_000 });
    expect(await postResult.locator('.task-error').textContent()).toMatch(/^expression_failed: .*non-function/);

    await page.getByRole('button', { name: 'Publish' }).click();
    await poll(() => page.getByTestId('version-line').textContent()).toMatch(/^Version 2 · saved/);
    await poll(() => page.getByTestId('draft-line').textContent()).toBe('Live: version 2 · no draft');

    // Run it from the dialog and watch it live: create runs, update is skipped, post fails.
    await page.getByRole('button', { name: 'Run…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Run upsert-if-exists' });
    await dialog.getByLabel('customer').fill('Ada');
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split('/').pop()!;
    await poll(() => node('post').getAttribute('aria-label'), { timeout: 30_000 }).toMatch(/status FAILED$/);
    expect(await node('update').getAttribute('aria-label')).toMatch(/status SKIPPED$/);
    expect(await node('create').getAttribute('aria-label')).toMatch(/status SUCCEEDED$/);
    expect((await runStatus(runId)).status).toBe('FAILED');

    // The fix: post's expression, published as version 3.
    await page.goto(`${host.url}/workflows/${id}`);
    await page.getByRole('tab', { name: 'Edit' }).click();
    await node('post').waitFor();
    await editJson((d) => {
      d.tasks.find((t) => t['key'] === 'post')!['input'] = { expression: "'posted ' & input.customer" };
    });
    await page.getByRole('button', { name: 'Publish' }).click();
    await poll(() => page.getByTestId('version-line').textContent()).toMatch(/^Version 3 · saved/);

    // What the fix changed, from the server's diff: version 2 against the live version 3.
    await page.getByRole('tab', { name: 'Versions' }).click();
    await page.getByRole('button', { name: 'Compare with live (version 2 against version 3)' }).click();
    const diff = page.getByTestId('version-diff');
    await diff.getByText(/Changed task post/).waitFor();
    expect(await diff.textContent()).toContain("'posted ' & input.customer");

    // Replay the failed run from post, with the latest version and an edited input.
    await page.goto(`${host.url}/runs/${runId}`);
    await node('post').click();
    const details = page.getByRole('region', { name: 'Details of task post' });
    await details.getByRole('button', { name: 'Edit and replay…' }).click();
    const form = page.getByRole('form', { name: 'Edit and replay from task post' });
    expect(await form.getByRole('radio', { name: /the latest published version \(3\)/ }).isChecked()).toBe(true);
    await form.getByLabel('Input of the replay (JSON)').fill(JSON.stringify({ customer: 'Bea', exists: false }));
    await page.screenshot({ path: join(SHOTS, 'run-replay.png') });
    expect(await axe(page)).toEqual([]);
    await form.getByRole('button', { name: 'Replay' }).click();
    await poll(() => page.getByTestId('run-attempt').textContent(), { timeout: 30_000 }).toBe('2');
    await poll(() => page.getByTestId('run-status').textContent(), { timeout: 30_000 }).toMatch(/succeeded/i);
    await poll(() => node('post').getAttribute('aria-label')).toMatch(/status SUCCEEDED$/);
    const final = (await api(host.url, 'GET', `/api/runs/${runId}`)).body as {
      workflowVersion: number;
      attempt: number;
      tasks: Array<{ key: string; output: unknown }>;
    };
    expect(final.attempt).toBe(2);
    expect(final.workflowVersion).toBe(3);
    expect(final.tasks.find((t) => t.key === 'post')!.output).toBe('posted Bea');
  }, 240_000);

  it('approves a purchase from the Inbox and the run completes', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'purchase-approval',
      inputSchema: { type: 'object', properties: { item: { type: 'string' }, amount: { type: 'number' } } },
      tasks: [
        { key: 'request', type: 'atomic', connector: 'platform', operation: 'echo', input: { item: '{{ input.item }}' } },
        {
          key: 'approve',
          type: 'approval',
          title: 'Approve the purchase of a laptop',
          details: { item: '{{ input.item }}', amount: '{{ input.amount }}' },
          approvers: { roles: ['editor'] },
          allowRequester: true,
        },
        { key: 'order', type: 'atomic', connector: 'platform', operation: 'echo', input: { ordered: '{{ input.item }}' } },
      ],
    });
    expect(wf.status).toBe(201);
    const run = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { item: 'laptop', amount: 1450 } });
    expect(run.status).toBe(202);
    const runId = run.body.id as string;
    await waitFor(async () => ((await runStatus(runId)).status === 'WAITING' ? true : null), 30_000, 100);

    // The run graph draws the approval as one, waiting.
    await page.goto(`${host.url}/runs/${runId}`);
    await expect
      .poll(() => node('approve').getAttribute('aria-label'))
      .toMatch(/approval: Approve the purchase of a laptop.*status WAITING$/);
    expect(await node('approve').locator('.canvas-node-approval').count()).toBe(1);
    expect(await page.getByRole('list', { name: 'Graph legend' }).textContent()).toContain('approval: waits for people to decide');

    await page.goto(`${host.url}/inbox`);
    await poll(() => page.title()).toBe('Inbox · Demiton studio');
    const card = page.getByRole('listitem', { name: 'Approve the purchase of a laptop' });
    await card.waitFor();
    expect(await card.getByLabel('Details').textContent()).toContain('1450');
    await card.getByLabel('Comment').fill('Within budget.');
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'inbox.png') });
    await card.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Nothing to decide.').waitFor({ timeout: 15_000 });

    await waitFor(async () => ((await runStatus(runId)).status === 'SUCCEEDED' ? true : null), 30_000, 100);
    await page.goto(`${host.url}/runs/${runId}`);
    await poll(() => node('approve').getAttribute('aria-label')).toMatch(/status SUCCEEDED$/);
    await node('approve').click();
    const output = await page.getByLabel('Output of task approve (details)').textContent();
    expect(output).toContain('Within budget.');
    expect(output).toContain('approve');
  }, 120_000);

  it('gives every route its own title and the favicon, and axe finds no serious violation on any', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'route-check',
      tasks: [{ key: 'only', type: 'atomic', connector: 'platform', operation: 'echo', input: { ok: true } }],
    });
    const run = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: {} });
    const w = await api(host.url, 'POST', '/api/workers', { name: 'route-checker', owner: 'ops@example.com' });
    expect(w.status).toBe(201);
    await waitFor(async () => ((await runStatus(run.body.id)).status === 'SUCCEEDED' ? true : null), 30_000, 100);
    const pages: Array<[string, string, string]> = [
      ['/workflows', 'Workflows', 'Workflows'],
      ['/workflows/new', 'New workflow', 'New workflow'],
      [`/workflows/${wf.body.id}`, 'Workflow', 'route-check'],
      ['/runs', 'Runs', 'Runs'],
      [`/runs/${run.body.id}`, 'Run', 'Run of route-check'],
      ['/inbox', 'Inbox', 'Inbox'],
      ['/workers', 'Digital workers', 'Digital workers'],
      [`/workers/${w.body.id}`, 'Digital worker', 'route-checker'],
      ['/connectors', 'Connectors', 'Connectors'],
      ['/business-objects', 'Business objects', 'Business objects'],
      ['/studio', 'Assistant', 'Assistant'],
      ['/projects', 'Projects', 'Projects'],
      ['/hq', 'HQ', 'HQ'],
      ['/no/such/page', 'Page not found', 'Page not found'],
    ];
    for (const [path, title, heading] of pages) {
      await page.goto(`${host.url}${path}`);
      await poll(() => page.title(), { message: path }).toBe(`${title} · Demiton studio`);
      await page.getByRole('heading', { level: 1, name: heading }).first().waitFor();
      await page.waitForTimeout(200);
      expect(await axe(page), path).toEqual([]);
      expect(await page.locator('link[rel="icon"]').evaluateAll((ls) => ls.map((l) => l.getAttribute('href'))), path).toEqual([
        '/favicon.svg',
        '/favicon.ico',
      ]);
    }
    for (const icon of ['/favicon.svg', '/favicon.ico']) {
      const res = await fetch(`${host.url}${icon}`);
      expect(res.status, icon).toBe(200);
      expect((await res.arrayBuffer()).byteLength, icon).toBeGreaterThan(100);
    }
  }, 180_000);
});
