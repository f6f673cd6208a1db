/**
 * End to end: the built studio in Debian's Chromium (playwright-core, no browser download)
 * against the local host on real PostgreSQL and Redis with an in-process worker and the
 * schedule timer. Walks a newcomer's first hour at 1280×800 and at 390×844 (no page scrolls
 * sideways): creates a business object type, a workflow and a schedule, runs the workflow, sees
 * it fail, fixes it as a new version, starts a new run of that version with the same input from
 * the failed run's page, sees the schedule fire, and adds a record on the page. Also creates a
 * workflow in the editor, runs it from the Run dialog, watches the run page reach SUCCEEDED live
 * with a chunked task's progress, cancels a run and retries a failed one (attempt 2 of the same
 * run, live), pauses a digital worker, creates and tests a connector, asks the assistant (a
 * loopback OpenAI-protocol server) and runs its suggestion, edits members' roles and group
 * mappings on /hq, checks every main page with axe-core, and saves the screenshots used by
 * docs/studio.md.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toHandler } from '../../functions/http-kit';
import { startLocalHost } from '../../functions/local-host/server';
import { routes } from '../../functions/routes';
import { Worker } from '../../shared/engine/worker';
import { fireDueSchedules } from '../../shared/schedules/fire-schedules';
import { axe } from '../helpers/studio-browser';
import { api, createTestPlatform, waitFor, type TestPlatform } from '../helpers/test-platform';
import { startOpenAiLoopback, type OpenAiLoopback } from '../servers/openai-loopback';

// The callbacks given to page.evaluate run in the browser; the root tsconfig has no DOM library.
declare const window: Record<string, unknown>;
declare const document: {
  querySelector(
    s: string,
  ): { getAttribute(n: string): string | null; textContent: string | null; getBoundingClientRect(): { y: number; height: number } } | null;
  documentElement: { scrollWidth: number; clientWidth: number };
};

const ROOT = resolve(__dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
// Screenshots go to docs/screenshots only when asked (UPDATE_SCREENSHOTS=1), so test runs leave the tree clean.
const SHOTS = process.env['UPDATE_SCREENSHOTS'] === '1' ? join(ROOT, 'docs', 'screenshots') : mkdtempSync(join(tmpdir(), 'demiton-shots-'));

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let worker: Worker;
let context: BrowserContext;
let page: Page;
let outDir: string;
let profile: string;
let llm: OpenAiLoopback;
let dataDir: string;
let scheduleTimer: ReturnType<typeof setInterval> | undefined;
/** Uncaught errors in the page; every test ends with none. */
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: scripts/ensure-services.sh installs Debian's chromium.`);
  // Build what is in studio/src now, so the test never runs against a stale studio/dist.
  outDir = mkdtempSync(join(tmpdir(), 'demiton-studio-'));
  await build({
    configFile: join(ROOT, 'studio', 'vite.config.mts'),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
  // The assistant talks to a loopback server speaking the OpenAI protocol (scripted answers).
  llm = await startOpenAiLoopback();
  dataDir = mkdtempSync(join(tmpdir(), 'demiton-e2e-data-'));
  platform = await createTestPlatform({
    env: {
      DEMITON_DATA_DIR: dataDir,
      LLM_PROVIDER: 'openai-compatible',
      LLM_BASE_URL: `${llm.url}/v1`,
      LLM_MODEL: 'local-model',
      EMBEDDING_MODEL: 'local-embed',
      EMBEDDING_DIMENSIONS: '128',
    },
  });
  host = await startLocalHost({
    routes,
    handlerFor: (r) => toHandler(r, async () => platform),
    port: 0,
    host: '127.0.0.1',
    maxBodyBytes: platform.config.http.maxBodyBytes,
    studioDir: outDir,
    logger: platform.logger,
  });
  worker = new Worker(platform, { concurrency: 4, pollMs: 50 });
  worker.start();
  // The local host runs the schedule timer every 15 s (functions/timers.ts); here every 2 s, so a
  // `* * * * *` schedule starts its run within seconds of its minute.
  scheduleTimer = setInterval(() => void fireDueSchedules(platform).catch(() => undefined), 2_000);
  profile = mkdtempSync(join(tmpdir(), 'demiton-chromium-'));
  // A fresh, empty profile; the flags keep Chromium off the network it would otherwise call home to.
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (err) => pageErrors.push(err.message));
  mkdirSync(SHOTS, { recursive: true });
}, 240_000);

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  clearInterval(scheduleTimer);
  await context?.close();
  await host?.close();
  await worker?.stop();
  await platform?.close();
  await llm?.close();
  if (!SHOTS.startsWith(ROOT)) rmSync(SHOTS, { recursive: true, force: true });
  for (const d of [outDir, profile, dataDir]) if (d) rmSync(d, { recursive: true, force: true });
});

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });

describe('studio end to end (Chromium, real control plane)', () => {
  it('creates a workflow in the editor, runs it from the Run dialog and watches it reach SUCCEEDED live with chunk progress', async () => {
    const child = await api(host.url, 'POST', '/api/workflows', {
      name: 'check-order-line',
      description: 'Checks one order line.',
      tasks: [{ key: 'check', type: 'atomic', connector: 'platform', operation: 'sleep', input: { ms: 400 } }],
    });
    expect(child.status).toBe(201);

    await page.goto(`${host.url}/workflows/new`);
    await page.getByRole('heading', { name: 'New workflow' }).waitFor();
    expect(await page.getByText('Development mode').first().isVisible()).toBe(true);
    const editor = page.getByLabel('Workflow definition (JSON)');
    // A broken document shows an inline error and cannot be saved.
    await editor.fill('{ "name": "x", "tasks": [ }');
    await page.getByText(/line 1, column/).waitFor();
    expect(await page.getByRole('button', { name: 'Create workflow' }).isDisabled()).toBe(true);
    // A schema error (unknown task type) is named by its path, and its line is marked.
    await editor.fill(
      JSON.stringify(
        {
          name: 'x',
          tasks: [
            { key: 'a', type: 'atomic', connector: 'platform', operation: 'echo' },
            { key: 'b', type: 'teleport' },
          ],
        },
        null,
        2,
      ),
    );
    await page.getByText('tasks[1].type').first().waitFor();
    await page.locator('.gutter [data-line="12"].issue').waitFor();
    await page.getByRole('button', { name: 'Line 12: tasks[1].type: must be one of "atomic", "workflow", "chunked"' }).click();
    // Its "Line 12" button selected that line in the editor.
    const selected = await editor.evaluate((t) => {
      const a = t as unknown as { value: string; selectionStart: number; selectionEnd: number };
      return a.value.slice(a.selectionStart, a.selectionEnd);
    });
    expect(selected).toBe('      "type": "teleport"');
    expect(await axe(page)).toEqual([]);
    await shot('workflow-editor');

    await editor.fill(
      JSON.stringify(
        {
          name: 'process-orders',
          description: 'Greets the customer, checks every order line in chunks, then confirms.',
          inputSchema: {
            type: 'object',
            properties: {
              customer: { type: 'string', description: 'Customer name' },
              lines: { type: 'integer', description: 'How many order lines' },
            },
            required: ['customer', 'lines'],
          },
          tasks: [
            { key: 'greet', type: 'atomic', connector: 'platform', operation: 'echo', input: { message: 'Hello {{ input.customer }}' } },
            {
              key: 'lines',
              type: 'chunked',
              generator: { connector: 'platform', operation: 'range', input: { count: '{{ input.lines }}' } },
              each: { workflow: 'check-order-line' },
              concurrency: 2,
            },
            {
              key: 'confirm',
              type: 'atomic',
              connector: 'platform',
              operation: 'transform',
              input: { expression: '$uppercase(steps.greet.message)' },
            },
          ],
        },
        null,
        2,
      ),
    );
    await page.getByText('Valid workflow definition').waitFor();
    await page.getByRole('button', { name: 'Create workflow' }).click();
    await page.waitForURL(/\/workflows\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'process-orders' }).waitFor();
    await page.getByText('check-order-line').first().waitFor();
    expect(await axe(page)).toEqual([]);
    await shot('workflow');

    // Schedules of the workflow: none, then one added through the form.
    await page.getByRole('tab', { name: 'Schedules' }).click();
    await page.getByText('No schedules: this workflow runs only when triggered.').waitFor();
    await page.getByLabel('Time zone', { exact: true }).fill('Europe/Amsterdam');
    await page.getByLabel('Input of every run (JSON)').fill('{"customer": "Nightly", "lines": 1}');
    await page.getByRole('button', { name: 'Add schedule' }).click();
    await page.getByRole('button', { name: 'Delete schedule 0 6 * * 1-5' }).waitFor();
    expect(await axe(page)).toEqual([]);
    await page.getByRole('tab', { name: 'Tasks' }).click();

    await page.getByRole('button', { name: 'Run…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Run process-orders' });
    await dialog.waitFor();
    // Required fields: Run stays disabled until they are filled.
    expect(await dialog.getByRole('button', { name: 'Run', exact: true }).isDisabled()).toBe(true);
    await dialog.getByLabel('customer').fill('Ada');
    await dialog.getByLabel('lines').fill('8');
    expect(await axe(page)).toEqual([]);
    await shot('run-dialog');
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split('/').pop()!;

    // Live: the feed connects, the chunked task's bar moves part-way, then the run succeeds.
    await page
      .getByRole('status')
      .filter({ hasText: /^Live$/ })
      .waitFor({ timeout: 15_000 });
    const bar = page.getByRole('progressbar', { name: 'Chunks of task lines' });
    await page.waitForFunction(
      () => {
        const el = document.querySelector('[aria-label="Chunks of task lines"]');
        const n = Number(el?.getAttribute('aria-valuenow') ?? 0);
        return n > 0 && n < 8;
      },
      undefined,
      { timeout: 30_000, polling: 100 },
    );
    await page.waitForTimeout(350); // the bar eases to its new width over 300 ms; let the picture show it
    await shot('run-live');
    // No layout jump on live updates: the timeline's rows keep their place and height as states change.
    const rowBoxes = () =>
      page.evaluate(() =>
        ['greet', 'lines', 'confirm'].map((k) => {
          const r = document.querySelector(`[data-task="${k}"]`)!.getBoundingClientRect();
          return { k, y: Math.round(r.y), h: Math.round(r.height) };
        }),
      );
    const during = await rowBoxes();
    await page.locator('[data-testid="run-status"] [data-status="SUCCEEDED"]').waitFor({ timeout: 30_000 });
    expect(await rowBoxes()).toEqual(during);
    expect(await bar.getAttribute('aria-valuetext')).toBe('8 succeeded, 0 failed, 0 running of 8');
    expect(await page.getByRole('status').filter({ hasText: 'Finished' }).count()).toBe(1);
    // The page never reloaded: the final state arrived over the event feed.
    const server = await api(host.url, 'GET', `/api/runs/${runId}`);
    expect(server.body.status).toBe('SUCCEEDED');
    expect(server.body.tasks.map((t: { status: string }) => t.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    await page.getByRole('button', { name: 'Details of task confirm' }).click();
    await page.getByLabel('Output of task confirm').getByText('HELLO ADA').waitFor();
    expect(await axe(page)).toEqual([]);
    await shot('run');

    // Tablet width: nothing overflows sideways.
    await page.setViewportSize({ width: 800, height: 1000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.goto(`${host.url}/runs`);
    await page.getByRole('link', { name: `Run ${runId.slice(0, 8)} of process-orders` }).waitFor();
    await page.getByLabel('Status').selectOption('FAILED');
    await page.getByText('No runs match these filters.').waitFor();
    await page.getByLabel('Status').selectOption('');
    await page.getByRole('link', { name: `Run ${runId.slice(0, 8)} of process-orders` }).waitFor();
    expect(await axe(page)).toEqual([]);
    await shot('runs');

    await page.goto(`${host.url}/workflows`);
    await page.getByRole('link', { name: /Last run of process-orders: SUCCEEDED/ }).waitFor();
    expect(await axe(page)).toEqual([]);
    await shot('workflows');
  }, 120_000);

  it("shows a digital worker's dashboard, and pausing it makes the Run dialog report the refusal", async () => {
    const wf = (await api(host.url, 'GET', '/api/workflows')).body.items.find((w: { name: string }) => w.name === 'process-orders');
    const w = await api(host.url, 'POST', '/api/workers', {
      name: 'Order desk',
      owner: 'sales-ops@example.com',
      description: 'Processes incoming orders',
    });
    await api(host.url, 'POST', `/api/workers/${w.body.id}/workflows`, { workflowId: wf.id });
    await page.goto(`${host.url}/workers/${w.body.id}`);
    await page.getByRole('heading', { name: /Order desk/ }).waitFor();
    await page.getByText('100%').waitFor();
    await page.getByRole('img', { name: /Runs per day/ }).waitFor();
    expect(await axe(page)).toEqual([]);
    await shot('worker');

    await page.getByRole('button', { name: 'Pause worker' }).click();
    await page.getByText(/Paused: runs of its workflows are refused/).waitFor();
    await page.goto(`${host.url}/workflows/${wf.id}`);
    await page.getByRole('button', { name: 'Run…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('customer').fill('Bob');
    await dialog.getByLabel('lines').fill('1');
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await dialog
      .getByRole('alert')
      .getByText(/Order desk.*paused/)
      .waitFor();
    await page.keyboard.press('Escape');
    expect(await page.getByRole('dialog').count()).toBe(0);

    await page.goto(`${host.url}/workers`);
    await page.getByRole('button', { name: 'Resume Order desk' }).click();
    await page.getByRole('button', { name: 'Pause Order desk' }).waitFor();
    await page.goto(`${host.url}/projects`);
    await page.getByText('Current project').waitFor();
    expect(await axe(page)).toEqual([]);
    await shot('projects');
  }, 60_000);

  it('creates a connector from its adapter form (secret write-only) and tests it against the real PostgreSQL', async () => {
    await page.goto(`${host.url}/connectors`);
    await page.getByRole('heading', { name: 'Connectors' }).waitFor();
    await page.getByText('No connectors in this project yet.').waitFor();
    await page.getByLabel('System').selectOption('postgres');
    await page.getByLabel('Name').fill('orders-db');
    await page.getByLabel('Host (required)').fill('127.0.0.1');
    await page.getByLabel('Database (required)').fill('test');
    await page.getByLabel('User (required)').fill('postgres');
    await page.getByLabel('TLS (SSL)').selectOption('disable');
    expect(await page.getByLabel('Password (secret)').getAttribute('type')).toBe('password');
    await page.getByLabel('Password (secret)').fill('not-needed-on-trust');
    await page.getByRole('button', { name: 'Create connector' }).click();
    const card = page.locator('[data-connector="orders-db"]');
    await card.waitFor();
    expect(await card.textContent()).not.toContain('not-needed-on-trust');
    expect(await card.getByTestId('connects-to').textContent()).toBe('Connects to 127.0.0.1 · database test');
    await card.getByRole('button', { name: 'Test connection orders-db' }).click();
    const answer = card.getByRole('status');
    await page.waitForFunction(() => !!document.querySelector('[data-connector="orders-db"] [role="status"]')?.textContent, undefined, {
      timeout: 15_000,
    });
    expect({ text: await answer.textContent(), cls: await answer.getAttribute('class') }).toMatchObject({
      text: expect.stringMatching(/PostgreSQL|Connected/i),
      cls: 'ok-line',
    });
    expect(await axe(page)).toEqual([]);
    await shot('connectors');
  }, 60_000);

  it('asks the assistant, streams its answer with sources, and runs its suggestion only through the prefilled Run dialog', async () => {
    const wf = (await api(host.url, 'GET', '/api/workflows')).body.items.find((w: { name: string }) => w.name === 'process-orders');
    const runsBefore = (await api(host.url, 'GET', `/api/runs?workflowId=${wf.id}`)).body.items.length;
    llm.script({
      type: 'stream',
      parts: [
        { text: 'The last run of process-orders succeeded. ' },
        { text: 'You can process the next customer the same way.' },
        {
          tool: {
            name: 'suggest_workflow_run',
            arguments: JSON.stringify({
              workflowId: wf.id,
              input: { customer: 'Grace', lines: 3 },
              rationale: 'Process the orders of Grace next.',
            }),
          },
        },
      ],
    });
    await page.goto(`${host.url}/studio`);
    await page.getByRole('heading', { name: 'Assistant' }).waitFor();
    await page.getByRole('button', { name: 'Start one' }).click();
    await page.getByLabel('Ask the assistant').fill('What should I run next for orders?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('You can process the next customer the same way.').waitFor();
    const card = page.getByRole('article', { name: 'Suggestion: run process-orders' });
    await card.waitFor();
    expect(await card.textContent()).toContain('Process the orders of Grace next.');
    // The model asked for it; nothing ran.
    expect((await api(host.url, 'GET', `/api/runs?workflowId=${wf.id}`)).body.items.length).toBe(runsBefore);
    expect(await axe(page)).toEqual([]);
    await shot('assistant');

    await card.getByRole('button', { name: 'Run this workflow…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Run process-orders' });
    await dialog.getByText('Prefilled by a suggestion').waitFor();
    expect(await dialog.getByLabel('customer').inputValue()).toBe('Grace');
    expect(await dialog.getByLabel('lines').inputValue()).toBe('3');
    expect((await api(host.url, 'GET', `/api/runs?workflowId=${wf.id}`)).body.items.length).toBe(runsBefore);
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    await page.locator('[data-testid="run-status"] [data-status="SUCCEEDED"]').waitFor({ timeout: 30_000 });
    const run = await api(host.url, 'GET', `/api/runs/${page.url().split('/').pop()}`);
    expect(run.body.input).toEqual({ customer: 'Grace', lines: 3 });
  }, 90_000);

  it('cancels a running run from its page and shows it CANCELLED live', async () => {
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'long-wait',
      tasks: [{ key: 'wait', type: 'atomic', connector: 'platform', operation: 'sleep', input: { ms: 60_000 } }],
    });
    const run = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, {});
    await page.goto(`${host.url}/runs/${run.body.id}`);
    await page.locator('[data-task="wait"] [data-status="RUNNING"]').waitFor({ timeout: 15_000 });
    expect(await page.getByRole('button', { name: 'Retry' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByRole('alertdialog', { name: 'Cancel this run?' }).getByRole('button', { name: 'Cancel run' }).click();
    await page.locator('[data-testid="run-status"] [data-status="CANCELLED"]').waitFor({ timeout: 20_000 });
    expect((await api(host.url, 'GET', `/api/runs/${run.body.id}`)).body.status).toBe('CANCELLED');
  }, 60_000);

  it('retries a failed run from its page: the error is shown, the cause fixed, and the next attempt of the same run succeeds live', async () => {
    // Storing a business object of a type that does not exist fails, and not retryably: the same
    // input fails the same way until someone creates the type.
    const wf = await api(host.url, 'POST', '/api/workflows', {
      name: 'import-customer',
      tasks: [
        { key: 'greet', type: 'atomic', connector: 'platform', operation: 'echo', input: { message: 'Importing {{ input.name }}' } },
        {
          key: 'store',
          type: 'atomic',
          connector: 'platform',
          operation: 'upsertBusinessObject',
          input: { type: 'customer', record: { id: 'c-1', name: '{{ input.name }}' } },
        },
      ],
    });
    expect(wf.status).toBe(201);
    const run = await api(host.url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: { name: 'Ada' } });
    await page.goto(`${host.url}/runs/${run.body.id}`);
    await page.locator('[data-testid="run-status"] [data-status="FAILED"]').waitFor({ timeout: 30_000 });
    // The error viewer: the run's error names the failing task; the task shows its code.
    const runError = page.getByRole('alert').filter({ hasText: 'business_object_type_not_found' });
    await runError.waitFor();
    expect(await runError.textContent()).toContain('(task store)');
    expect(await page.locator('[data-task="store"] .task-error').textContent()).toMatch(
      /^business_object_type_not_found: .*customer.*\(not retryable\)$/,
    );
    expect(await page.locator('[data-task="greet"] [data-status="SUCCEEDED"]').count()).toBe(1);
    expect(await page.getByTestId('run-attempt').textContent()).toBe('1');
    expect(await axe(page)).toEqual([]);
    await shot('run-failed');

    const type = await api(host.url, 'POST', '/api/business-object-types', {
      name: 'customer',
      keyField: 'id',
      schema: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } }, required: ['id', 'name'] },
    });
    expect(type.status).toBe(201);
    await page.getByRole('button', { name: 'Retry' }).click();
    // A rerun is a new attempt of the same run: the page stays, follows the feed again and shows it succeed.
    await page.locator('[data-testid="run-status"] [data-status="SUCCEEDED"]').waitFor({ timeout: 30_000 });
    expect(page.url()).toBe(`${host.url}/runs/${run.body.id}`);
    await page.getByTestId('run-attempt').getByText('2', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Retry' }).isDisabled()).toBe(true);
    expect(await page.locator('[data-task="store"] .task-error').count()).toBe(0);
    await page.getByRole('button', { name: 'Details of task store' }).click();
    const failed = page.getByRole('list', { name: 'Failed attempts of task store' });
    expect(await failed.textContent()).toMatch(/^Attempt 1, .*business_object_type_not_found/);
    const after = await api(host.url, 'GET', `/api/runs/${run.body.id}`);
    expect(after.body).toMatchObject({ status: 'SUCCEEDED', attempt: 2 });
    // The task that had succeeded kept its output and did not run again.
    expect(after.body.tasks.map((t: { key: string; attempts: number }) => [t.key, t.attempts])).toEqual([
      ['greet', 1],
      ['store', 2],
    ]);
    const stored = await api(host.url, 'GET', '/api/business-objects/customer');
    expect(stored.body.items).toMatchObject([{ key: 'c-1', data: { id: 'c-1', name: 'Ada' } }]);
    expect(await axe(page)).toEqual([]);
  }, 60_000);

  it('keeps HQ and business objects accessible', async () => {
    for (const path of ['/hq', '/business-objects']) {
      await page.goto(`${host.url}${path}`);
      await page.locator('main h1').waitFor();
      await page.waitForFunction(() => !document.querySelector('main .spinner'));
      expect(await axe(page), path).toEqual([]);
      if (path === '/hq') {
        // The system panel (GET /api/hq/system): queue depth, workers seen, runs by state of this organisation.
        const system = page.getByRole('region', { name: 'System' });
        await system.getByText('Queue depth').waitFor();
        expect(await system.getByText('Workers (last minute)').count()).toBe(1);
        expect(await system.getByRole('columnheader', { name: 'SUCCEEDED' }).count()).toBe(1);
        // Members: grant a role to someone before they first sign in, then change it.
        const members = page.getByRole('region', { name: 'Members' });
        const person = { tenantId: '5b3e1a2c-9d4f-4e6a-8b7c-1d2e3f4a5b6c', objectId: '0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d' };
        await members.getByLabel('Tenant id').fill(person.tenantId);
        await members.getByLabel('Object id').fill(person.objectId);
        await members.getByLabel('Role', { exact: true }).selectOption('operator');
        await members.getByRole('button', { name: 'Grant role' }).click();
        const role = members.getByLabel(`Direct role of ${person.objectId}`);
        await role.waitFor();
        await role.selectOption('editor');
        await members.getByRole('button', { name: `Save role of ${person.objectId}` }).click();
        await waitFor(async () =>
          (await api(host.url, 'GET', '/api/hq/members')).body.items.find(
            (m: { objectId: string; role: string }) => m.objectId === person.objectId && m.role === 'editor',
          ),
        );
        await page.waitForFunction(
          () => document.querySelector('main [data-member] button[aria-label^="Save role"]')?.textContent === 'Save',
        );
        // Group-to-role mappings: add one.
        const mappings = page.getByRole('region', { name: 'Group-to-role mappings' });
        const group = '3f2e1d0c-b9a8-4765-8432-10fedcba9876';
        await mappings.getByLabel('Group object id').fill(group);
        await mappings.getByLabel('Role', { exact: true }).selectOption('operator');
        await mappings.getByLabel('Description').fill('Finance operations');
        await mappings.getByRole('button', { name: 'Add mapping' }).click();
        await mappings.getByRole('button', { name: `Edit mapping of group ${group}` }).waitFor();
        expect(await axe(page)).toEqual([]);
        // The page from the top down to the mappings (the audit log below grows with every test).
        await page.evaluate(() => (window as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
        const box = (await mappings.boundingBox())!;
        await page.screenshot({
          path: join(SHOTS, 'hq.png'),
          fullPage: true,
          clip: { x: 0, y: 0, width: 1280, height: Math.ceil(box.y + box.height + 16) },
        });
      }
    }
  }, 60_000);

  for (const [tag, width, height] of [
    ['wide', 1280, 800],
    ['phone', 390, 844],
  ] as const) {
    it(`walks a newcomer's first hour at ${width}×${height}: create, run, fail, fix, new run of the new version, a schedule that fires, a record added`, async () => {
      await page.setViewportSize({ width, height });
      const phone = width < 600;
      /** At phone width no page scrolls sideways. */
      const fits = async (where: string) => {
        await page.waitForFunction(() => !document.querySelector('main .spinner'), undefined, { timeout: 15_000 });
        const sw = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(sw, `${where} is ${sw} px wide at ${width} px`).toBeLessThanOrEqual(width);
      };
      const type = `contact-${tag}`;
      const name = `signup-${tag}`;

      // 1. A business object type, from its page.
      await page.goto(`${host.url}/business-objects`);
      await page.getByRole('heading', { name: 'Business objects' }).waitFor();
      await page.getByLabel('Name', { exact: true }).fill(type);
      await page.getByLabel('Key field').fill('email');
      await page
        .getByLabel('Schema (JSON Schema)')
        .fill(
          JSON.stringify(
            { type: 'object', properties: { email: { type: 'string' }, name: { type: 'string' } }, required: ['email', 'name'] },
            null,
            2,
          ),
        );
      await page.getByRole('button', { name: 'Create type' }).click();
      await page.getByRole('navigation', { name: 'Business object types' }).getByRole('button', { name: type }).click();
      await page.getByRole('heading', { name: type, exact: true }).waitFor();
      await fits('/business-objects');

      // 2. A workflow whose store task forgets the required name.
      const definition = (record: Record<string, string>) =>
        JSON.stringify(
          {
            name,
            description: 'Stores a new contact, then welcomes them.',
            inputSchema: {
              type: 'object',
              properties: { email: { type: 'string' }, name: { type: 'string' } },
              required: ['email', 'name'],
            },
            tasks: [
              { key: 'check', type: 'atomic', connector: 'platform', operation: 'echo', input: { message: 'Checking {{ input.email }}' } },
              { key: 'store', type: 'atomic', connector: 'platform', operation: 'upsertBusinessObject', input: { type, record } },
              { key: 'welcome', type: 'atomic', connector: 'platform', operation: 'echo', input: { message: 'Welcome {{ input.name }}' } },
            ],
          },
          null,
          2,
        );
      await page.goto(`${host.url}/workflows/new`);
      await page.getByLabel('Workflow definition (JSON)').fill(definition({ email: '{{ input.email }}' }));
      await page.getByText('Valid workflow definition').waitFor();
      await page.getByRole('button', { name: 'Create workflow' }).click();
      await page.getByRole('heading', { name, exact: true }).waitFor();
      const workflowUrl = page.url();
      await fits('the workflow page');

      // 3. A schedule every minute in Berlin: its next fire is shown with the zone.
      await page.getByRole('tab', { name: 'Schedules' }).click();
      await page.getByLabel('Cron expression').fill('* * * * *');
      await page.getByLabel('Time zone', { exact: true }).fill('Europe/Berlin');
      await page.getByLabel('Input of every run (JSON)').fill(JSON.stringify({ email: `nightly-${tag}@example.com`, name: 'Nightly' }));
      await page.getByRole('button', { name: 'Add schedule' }).click();
      const nextFire = page.getByTestId('next-fire');
      await nextFire.waitFor();
      expect(await nextFire.textContent()).toMatch(/GMT\+[12]|CES?T/);
      await fits('the schedules tab');

      // 4. Run it from the form: it fails at store, and welcome will not run.
      await page.getByRole('tab', { name: 'Tasks' }).click();
      await page.getByRole('button', { name: 'Run…' }).click();
      const dialog = page.getByRole('dialog', { name: `Run ${name}` });
      await dialog.getByLabel('email').fill(`ada-${tag}@example.com`);
      await dialog.getByLabel('name').fill('Ada');
      if (phone) await fits('the Run dialog');
      await dialog.getByRole('button', { name: 'Run', exact: true }).click();
      await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
      const failedRunUrl = page.url();
      await page.locator('[data-testid="run-status"] [data-status="FAILED"]').waitFor({ timeout: 30_000 });
      await page.locator('[data-task="welcome"] [data-status="NOT_RUN"]').waitFor();
      expect(await page.locator('[data-task="welcome"] .badge').textContent()).toBe('Not run');
      // Retry says what it will do before anyone presses it.
      expect(await page.locator('#retry-explained').textContent()).toMatch(
        /starts attempt 2 of this run: the same version \(1\) and the same input, from task store/,
      );
      await fits('the failed run');
      if (!phone) {
        expect(await axe(page)).toEqual([]);
        await shot('run-failed');
      }

      // 5. Fix it: version 2 maps the name too.
      await page.getByRole('heading', { level: 1 }).getByRole('link', { name }).click();
      await page.getByRole('tab', { name: 'Edit' }).click();
      await page.getByLabel(/Definition \(JSON\)/).fill(definition({ email: '{{ input.email }}', name: '{{ input.name }}' }));
      await page.getByRole('button', { name: 'Save new version' }).click();
      await page.getByText('Saved as version 2.').waitFor();

      // 6. Back on the failed run: a retry would keep version 1, so start a new run of version 2 with the same input.
      await page.goto(failedRunUrl);
      await page.getByText(/Version 2 of this workflow is newer; a retry keeps version 1/).waitFor();
      if (!phone) await shot('run-newer-version');
      await page.getByRole('button', { name: 'start a new run of version 2 with the same input' }).click();
      await page.waitForURL((u) => /\/runs\/[0-9a-f-]{36}$/.test(u.pathname) && u.href !== failedRunUrl);
      await page.locator('[data-testid="run-status"] [data-status="SUCCEEDED"]').waitFor({ timeout: 30_000 });
      const fixed = await api(host.url, 'GET', `/api/runs/${page.url().split('/').pop()}`);
      expect(fixed.body).toMatchObject({ workflowVersion: 2, input: { email: `ada-${tag}@example.com`, name: 'Ada' } });
      await fits('the succeeded run');
      if (phone) await shot('phone-run');

      // 7. The schedule fired: its last fire links to the run it started.
      await page.goto(workflowUrl);
      await page.getByRole('tab', { name: 'Schedules' }).click();
      const itsRun = page.getByRole('link', { name: 'its run' });
      const deadline = Date.now() + 90_000;
      while (!(await itsRun.count())) {
        expect(Date.now(), 'the schedule fired within 90 s').toBeLessThan(deadline);
        await page.waitForTimeout(3_000);
        // Switching tabs reads the schedules again.
        await page.getByRole('tab', { name: 'Tasks' }).click();
        await page.getByRole('tab', { name: 'Schedules' }).click();
      }
      expect(await page.locator('.schedule').textContent()).toMatch(/Last fire: (?!never)/);
      await fits('the schedules tab after a fire');
      if (!phone) {
        expect(await axe(page)).toEqual([]);
        await shot('schedules');
      }
      await itsRun.click();
      await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
      // The URL changes before the run page replaces the workflow page's line: read until it has.
      await expect.poll(() => page.locator('h1 + p').textContent()).toMatch(/schedule/);

      // 8. A record added on the business objects page, next to the one the fixed run stored.
      await page.goto(`${host.url}/business-objects`);
      await page.getByRole('navigation', { name: 'Business object types' }).getByRole('button', { name: type }).click();
      await page.getByText(`ada-${tag}@example.com`, { exact: true }).waitFor();
      await page.getByRole('button', { name: 'Add record' }).click();
      const form = page.getByRole('form', { name: `New ${type} record` });
      await form.getByLabel('email').fill(`grace-${tag}@example.com`);
      await form.getByLabel('name').fill('Grace');
      await form.getByRole('button', { name: 'Add record' }).click();
      await page.getByText(`grace-${tag}@example.com`, { exact: true }).waitFor();
      expect(
        (await api(host.url, 'GET', `/api/business-objects/${type}/${encodeURIComponent(`grace-${tag}@example.com`)}`)).body.data,
      ).toEqual({ email: `grace-${tag}@example.com`, name: 'Grace' });
      await fits('/business-objects with records');
      if (!phone) {
        expect(await axe(page)).toEqual([]);
        await page.evaluate(() => (window as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
        await shot('business-objects');
      }

      // Every other page fits too; HQ has its sub-navigation.
      for (const path of ['/workflows', '/runs', '/workers', '/connectors', '/studio', '/projects', '/hq']) {
        await page.goto(`${host.url}${path}`);
        await page.locator('main h1').waitFor();
        await fits(path);
      }
      await page.getByRole('navigation', { name: 'HQ sections' }).getByRole('link', { name: 'API keys' }).waitFor();
      if (phone) await shot('phone-hq');
      await page.setViewportSize({ width: 1280, height: 800 });
    }, 240_000);
  }

  it('serves a favicon, and says an unknown run was not found', async () => {
    const icon = await page.request.get(`${host.url}/favicon.ico`);
    expect(icon.status()).toBe(200);
    expect((await icon.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
    await page.goto(`${host.url}/`);
    expect(
      await page
        .locator('link[rel="icon"]')
        .evaluateAll((links) => links.map((l) => (l as unknown as { getAttribute(n: string): string }).getAttribute('href'))),
    ).toEqual(['/favicon.svg', '/favicon.ico']);
    await page.goto(`${host.url}/runs/4b1f0c55-0d0c-4a7e-9a55-000000000000`);
    const alert = page.getByRole('alert');
    await alert.getByText('This run was not found.').waitFor();
    expect(await alert.textContent()).not.toMatch(/Something went wrong/);
  }, 30_000);
});
