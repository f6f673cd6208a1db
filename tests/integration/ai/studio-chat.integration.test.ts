/**
 * The answer pipeline against a loopback server speaking the OpenAI protocol (an
 * OpenAI-compatible endpoint, driven by the real `openai` SDK): what the pipeline sends (system
 * rules, context, history, the suggestion tool), how it streams back (deltas, citations,
 * suggestions, done, error), organisation scoping, suggestion validation, the streaming gate and
 * client disconnects aborting the upstream call. Real PostgreSQL and Redis.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../../../shared/domain/principal';
import { PROMPT_RULES, SUGGESTION_RULE } from '../../../shared/ai/chat/prompt';
import * as studio from '../../../shared/ai/studio-service';
import { createWorkflow } from '../../../shared/engine/workflows-service';
import { assignWorkflow, createWorker, updateWorker } from '../../../shared/engine/workers-service';
import { queryOptional } from '../../../shared/ai/context/optional-table';
import { Worker } from '../../../shared/engine/worker';
import { DEV_ORG_ID, ensureOrganisation } from '../../../shared/store/organisations';
import { startOpenAiLoopback, type OpenAiLoopback } from '../../servers/openai-loopback';
import { api, createTestPlatform, startTestHost, waitFor, type TestPlatform } from '../../helpers/test-platform';
import { ask, parseSse } from './sse-client';

let platform: TestPlatform;
let host: { url: string; close(): Promise<void> };
let llm: OpenAiLoopback;
let dataDir: string;

const ORG_B = randomUUID();
const owner = (orgId: string, id = 'dev-admin'): Principal => ({ orgId, actor: { type: 'user', id }, role: 'owner' });
const viewerA: Principal = { orgId: DEV_ORG_ID, actor: { type: 'user', id: 'viewer-1' }, role: 'viewer' };

let invoiceSync: { id: string };
let orgBWorkflow: { id: string };

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'demiton-ai-'));
  llm = await startOpenAiLoopback();
  platform = await createTestPlatform({
    env: {
      DEMITON_DATA_DIR: dataDir,
      LLM_PROVIDER: 'openai-compatible',
      LLM_BASE_URL: `${llm.url}/v1`,
      LLM_MODEL: 'local-model',
      EMBEDDING_MODEL: 'local-embed',
      EMBEDDING_DIMENSIONS: '128',
      STUDIO_STREAMS_PER_USER: '1',
    },
  });
  host = await startTestHost(platform);

  // Organisation A (the development organisation): a workflow with an input schema, a failed run, a document.
  invoiceSync = await createWorkflow(platform, owner(DEV_ORG_ID), {
    name: 'invoice-sync',
    description: 'Copies invoices from the ERP into finance every night.',
    inputSchema: {
      type: 'object',
      properties: { since: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, dryRun: { type: 'boolean' } },
      required: ['since'],
      additionalProperties: false,
    },
    tasks: [
      {
        key: 'pull',
        type: 'atomic',
        connector: 'platform',
        operation: 'fail',
        input: { message: 'ERP login rejected: password expired for svc-invoices' },
      },
    ],
  });
  const run = await api(host.url, 'POST', `/api/workflows/${invoiceSync.id}/runs`, { input: { since: '2026-11-24' } });
  expect(run.status).toBe(202);
  const worker = new Worker(platform, { concurrency: 2, pollMs: 50 });
  worker.start();
  await waitFor(async () => (await api(host.url, 'GET', `/api/runs/${run.body.id}`)).body.status === 'FAILED');
  await worker.stop();
  await studio.uploadDocument(platform, owner(DEV_ORG_ID), {
    name: 'erp-runbook.md',
    contentType: 'text/markdown',
    bytes: new TextEncoder().encode(
      '# ERP runbook\n\nWhen the ERP login is rejected, rotate the svc-invoices password in the vault and re-run invoice-sync.',
    ),
  });

  // Organisation B: its own workflow and document, which A must never see.
  await ensureOrganisation(platform.db, { id: ORG_B, name: 'Other', defaultProjectId: randomUUID() });
  orgBWorkflow = await createWorkflow(platform, owner(ORG_B, 'b-admin'), {
    name: 'payroll-export',
    tasks: [{ key: 'x', type: 'atomic', connector: 'platform', operation: 'echo', input: {} }],
  });
  await studio.uploadDocument(platform, owner(ORG_B, 'b-admin'), {
    name: 'payroll-secrets.txt',
    contentType: 'text/plain',
    bytes: new TextEncoder().encode(
      'Payroll runbook of organisation B: the ERP login for payroll is handled by the B finance desk, codeword BLUEHERON.',
    ),
  });
});

afterAll(async () => {
  await host?.close();
  await platform?.close();
  await llm?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const newConversation = async (focus: Record<string, string> = {}) =>
  (await api(host.url, 'POST', '/api/studio/conversations', { focus })).body.id as string;
const lastChat = () => llm.chatRequests().at(-1)!;
const systemOf = (r: { body: { messages: Array<{ role: string; content: string }> } }) => r.body.messages[0]!.content;

describe('answers over an OpenAI-compatible endpoint', () => {
  it('sends the rules, the scoped context and the question, and streams the answer with citations', async () => {
    const id = await newConversation({ workflowId: invoiceSync.id });
    llm.script({
      type: 'stream',
      parts: [
        { text: 'The run failed because the ERP ' },
        { text: 'login was rejected [2]. ' },
        { text: 'Rotate the password and re-run [1].' },
      ],
    });
    const a = await ask(host.url, id, 'Why did last night’s invoice sync fail on the ERP login?');
    expect(a.status).toBe(200);

    const req = lastChat();
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.body.model).toBe('local-model');
    expect(req.body.stream).toBe(true);
    const system = systemOf(req);
    for (const rule of PROMPT_RULES) expect(system).toContain(rule);
    expect(system).toContain(SUGGESTION_RULE);
    // Context: the focused workflow's definition, the failed run's error, the runbook chunk.
    expect(system).toContain('Workflow "invoice-sync"');
    expect(system).toContain('ERP login rejected: password expired for svc-invoices');
    expect(system).toContain('rotate the svc-invoices password');
    // Never another organisation's data.
    expect(system).not.toContain('BLUEHERON');
    expect(system).not.toContain('payroll-export');
    expect(req.body.messages.at(-1)).toEqual({ role: 'user', content: 'Why did last night’s invoice sync fail on the ERP login?' });
    expect(req.body.tools.map((t: { function: { name: string } }) => t.function.name)).toEqual(['suggest_workflow_run']);

    // The stream: deltas in order, then citations for [2] and [1], then done.
    expect(a.events.map((e) => e.event)).toEqual(['delta', 'delta', 'delta', 'citation', 'citation', 'done']);
    expect(a.text).toBe('The run failed because the ERP login was rejected [2]. Rotate the password and re-run [1].');
    const cites = a.of('citation');
    expect(cites.map((c) => c.marker)).toEqual([2, 1]);
    // Each citation is the source numbered so in the prompt.
    for (const c of cites) {
      const block = new RegExp(`<source n="${c.marker}" type="${c.source.type}"[^>]*>\\n([\\s\\S]*?)\\n</source>`).exec(system);
      expect(block).not.toBeNull();
      expect(block![1]!.startsWith(c.excerpt.slice(0, 80))).toBe(true);
    }
    expect(a.of('done')[0].model).toBe('openai-compatible:local-model');
  });

  it('cites document chunks that exist in the caller’s organisation', async () => {
    const id = await newConversation();
    llm.script({ type: 'stream', parts: [{ text: 'See the runbook ' }, { text: '[1][2][3][4][5][6]' }] });
    const a = await ask(host.url, id, 'What does the ERP runbook say about a rejected login and the svc-invoices password?');
    const docCites = a.of('citation').filter((c) => c.chunk);
    expect(docCites.length).toBeGreaterThan(0);
    for (const c of docCites) {
      const { rows } = await platform.db.query<{ org_id: string; content: string }>(
        'SELECT org_id, content FROM ai_document_chunks WHERE id = $1::uuid',
        [c.chunk.id],
      );
      expect(rows[0]!.org_id).toBe(DEV_ORG_ID);
      expect(rows[0]!.content.startsWith(c.excerpt.slice(0, 80))).toBe(true);
    }
  });

  it('scopes context to the other organisation too', async () => {
    const b = owner(ORG_B, 'b-admin');
    const conv = await studio.createConversation(platform, b, { focus: {} });
    llm.script({ type: 'stream', parts: [{ text: 'B answer' }] });
    const events = parseSse(
      await new Response(
        await studio.startAnswer(platform, b, conv.id, { content: 'What does the ERP runbook say about the invoice-sync login?' }),
      ).text(),
    );
    expect(events.at(-1)!.event).toBe('done');
    const system = systemOf(lastChat());
    expect(system).toContain('BLUEHERON');
    expect(system).not.toContain('svc-invoices');
    expect(system).not.toContain('invoice-sync');
    // And A cannot read B's conversation.
    expect((await api(host.url, 'GET', `/api/studio/conversations/${conv.id}`)).status).toBe(404);
  });

  it('keeps the history and sends it with the next question', async () => {
    const id = await newConversation();
    llm.script({ type: 'stream', parts: [{ text: 'First answer.' }] }, { type: 'stream', parts: [{ text: 'Second answer.' }] });
    await ask(host.url, id, 'First question?');
    await ask(host.url, id, 'Second question?');
    expect(lastChat().body.messages.slice(1)).toEqual([
      { role: 'user', content: 'First question?' },
      { role: 'assistant', content: 'First answer.' },
      { role: 'user', content: 'Second question?' },
    ]);
    const conv = await api(host.url, 'GET', `/api/studio/conversations/${id}`);
    expect(conv.body.messages.map((m: { content: string }) => m.content)).toEqual([
      'First question?',
      'First answer.',
      'Second question?',
      'Second answer.',
    ]);
  });
});

describe('the digital worker in focus', () => {
  it('includes the worker and its workflows, from its own organisation only', async () => {
    const w = await createWorker(platform, owner(DEV_ORG_ID), {
      name: 'Finance clerk',
      owner: 'finance-team',
      description: 'Keeps the ledgers in sync.',
    });
    await assignWorkflow(platform, owner(DEV_ORG_ID), w.id, invoiceSync.id);
    const id = await newConversation({ workerId: w.id });
    llm.script({ type: 'stream', parts: [{ text: 'It syncs invoices [1].' }] });
    await ask(host.url, id, 'What does this worker do?');
    const system = systemOf(lastChat());
    expect(system).toContain('The digital worker in focus: name: Finance clerk; description: Keeps the ledgers in sync.');
    expect(system).toContain(`invoice-sync (id ${invoiceSync.id})`);

    // Organisation B focusing on A's worker gets nothing about it.
    const b = owner(ORG_B, 'b-admin');
    const conv = await studio.createConversation(platform, b, { focus: { workerId: w.id } });
    llm.script({ type: 'stream', parts: [{ text: 'ok' }] });
    await new Response(await studio.startAnswer(platform, b, conv.id, { content: 'What does this worker do?' })).text();
    expect(systemOf(lastChat())).not.toContain('Finance clerk');

    // While the worker is paused, a run of its workflow would be refused, so it is not suggested.
    await updateWorker(platform, owner(DEV_ORG_ID), w.id, { status: 'paused' });
    llm.script({
      type: 'stream',
      parts: [
        { text: 'Re-run it.' },
        {
          tool: {
            name: 'suggest_workflow_run',
            arguments: JSON.stringify({ workflowId: invoiceSync.id, input: { since: '2026-11-24' }, rationale: 'r' }),
          },
        },
      ],
    });
    const paused = await ask(host.url, id, 'Should I re-run the sync?');
    expect(paused.of('suggestion')).toEqual([]);
    expect(paused.events.at(-1)!.event).toBe('done');
    await updateWorker(platform, owner(DEV_ORG_ID), w.id, { status: 'active' });
  });

  it('says nothing, rather than failing, when a table it reads does not exist', async () => {
    expect(await queryOptional(platform.db, 'SELECT * FROM no_such_workers_table WHERE org_id = $1::uuid', [DEV_ORG_ID])).toEqual([]);
    expect(await queryOptional(platform.db, 'SELECT no_such_column FROM workflows WHERE org_id = $1::uuid', [DEV_ORG_ID])).toEqual([]);
    await expect(queryOptional(platform.db, 'SELECT 1/0', [])).rejects.toMatchObject({ code: '22012' });
  });
});

describe('workflow suggestions', () => {
  it('shows only valid suggestions the caller may trigger, and nothing reaches an adapter', async () => {
    const resolve = vi.spyOn(platform.registry, 'resolve');
    const getAdapter = vi.spyOn(platform.registry, 'getAdapter');
    const runsBefore = Number((await platform.db.query<{ n: string }>('SELECT count(*) AS n FROM workflow_runs')).rows[0]!.n);

    const id = await newConversation({ workflowId: invoiceSync.id });
    llm.script({
      type: 'stream',
      parts: [
        { text: 'You could re-run the sync.' },
        {
          tool: {
            name: 'suggest_workflow_run',
            arguments: JSON.stringify({
              workflowId: invoiceSync.id,
              input: { since: '2026-11-24' },
              rationale: 'Re-run after rotating the password.',
            }),
          },
        },
        // Input that fails the workflow's schema (missing `since`, unknown field).
        {
          tool: {
            name: 'suggest_workflow_run',
            arguments: JSON.stringify({ workflowId: invoiceSync.id, input: { everything: true }, rationale: 'bad input' }),
          },
        },
        // Another organisation's workflow.
        {
          tool: {
            name: 'suggest_workflow_run',
            arguments: JSON.stringify({ workflowId: orgBWorkflow.id, input: {}, rationale: 'not yours' }),
          },
        },
        // A tool that was never offered, and malformed arguments.
        { tool: { name: 'run_workflow_now', arguments: JSON.stringify({ workflowId: invoiceSync.id }) } },
        { tool: { name: 'suggest_workflow_run', arguments: '{"workflowId": ' } },
      ],
    });
    const a = await ask(host.url, id, 'Can you fix the invoice sync?');
    const suggestions = a.of('suggestion');
    expect(suggestions).toEqual([
      {
        workflowId: invoiceSync.id,
        workflowName: 'invoice-sync',
        input: { since: '2026-11-24' },
        rationale: 'Re-run after rotating the password.',
      },
    ]);
    expect(a.events.at(-1)!.event).toBe('done');

    // The model's output started nothing: no adapter resolved or built, no run created.
    expect(resolve).not.toHaveBeenCalled();
    expect(getAdapter).not.toHaveBeenCalled();
    const runsAfter = Number((await platform.db.query<{ n: string }>('SELECT count(*) AS n FROM workflow_runs')).rows[0]!.n);
    expect(runsAfter).toBe(runsBefore);
    resolve.mockRestore();
    getAdapter.mockRestore();

    // The stored answer carries the one valid suggestion.
    const conv = await api(host.url, 'GET', `/api/studio/conversations/${id}`);
    expect(conv.body.messages[1].suggestions).toEqual(suggestions);
  });

  it('offers no tool to a viewer and drops any suggestion a viewer gets', async () => {
    const conv = await studio.createConversation(platform, viewerA, { focus: { workflowId: invoiceSync.id } });
    llm.script({
      type: 'stream',
      parts: [
        { text: 'Try re-running.' },
        {
          tool: {
            name: 'suggest_workflow_run',
            arguments: JSON.stringify({ workflowId: invoiceSync.id, input: { since: '2026-11-24' }, rationale: 'r' }),
          },
        },
      ],
    });
    const events = parseSse(
      await new Response(await studio.startAnswer(platform, viewerA, conv.id, { content: 'Should I re-run invoice-sync?' })).text(),
    );
    const req = lastChat();
    expect(req.body.tools).toBeUndefined();
    expect(systemOf(req)).toContain('Do not propose running workflows');
    expect(events.filter((e) => e.event === 'suggestion')).toEqual([]);
    expect(events.at(-1)!.event).toBe('done');
  });
});

describe('upstream failures', () => {
  it('turns a 429 into a retryable error event and stores no answer', async () => {
    const id = await newConversation();
    llm.script({
      type: 'error',
      status: 429,
      body: { error: { message: 'Rate limit reached', type: 'rate_limit_error' } },
      headers: { 'retry-after': '7' },
    });
    const a = await ask(host.url, id, 'Hello?');
    expect(a.status).toBe(200);
    expect(a.events.map((e) => e.event)).toEqual(['error']);
    expect(a.of('error')[0]).toMatchObject({ code: 'model_rate_limited', retryable: true });
    const conv = await api(host.url, 'GET', `/api/studio/conversations/${id}`);
    expect(conv.body.messages.map((m: { role: string }) => m.role)).toEqual(['user']);
  });

  it('turns a rejected request into a non-retryable error event', async () => {
    const id = await newConversation();
    llm.script({ type: 'error', status: 401, body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } } });
    const a = await ask(host.url, id, 'Hello?');
    expect(a.of('error')[0]).toMatchObject({ code: 'model_rejected', retryable: false });
  });
});

describe('the streaming gate and disconnects', () => {
  it('limits concurrent streams per user with 429 + Retry-After, aborts upstream on disconnect and frees the slot', async () => {
    const id = await newConversation();
    llm.script({ type: 'stream', parts: [{ text: 'Thinking' }, { text: ' never finishes' }], hangAfter: 1 });
    const client = new AbortController();
    const res = await fetch(`${host.url}/api/studio/conversations/${id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'A long question' }),
      signal: client.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let seen = '';
    while (!seen.includes('event: delta')) {
      const chunk = await reader.read();
      if (chunk.done) throw new Error(`the stream ended before its first delta: ${seen}`);
      seen += new TextDecoder().decode(chunk.value);
    }
    const upstream = lastChat();
    expect(upstream.aborted).toBe(false);

    // The one slot of this user is taken: a second answer is refused before it starts.
    const second = await ask(host.url, id, 'Another question');
    expect(second.status).toBe(429);
    expect(second.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(second.body.code).toBe('too_many_streams');

    // The client goes away: the model call is aborted and the slot comes back.
    client.abort();
    await waitFor(async () => upstream.aborted);
    await waitFor(async () => (await platform.ai.gate.inUse(DEV_ORG_ID, 'dev-admin')).user === 0);
    llm.script({ type: 'stream', parts: [{ text: 'Back.' }] });
    const third = await ask(host.url, id, 'Are you there?');
    expect(third.status).toBe(200);
    expect(third.text).toBe('Back.');
    // The aborted answer was not stored.
    const conv = await api(host.url, 'GET', `/api/studio/conversations/${id}`);
    expect(conv.body.messages.map((m: { content: string }) => m.content)).toEqual(['A long question', 'Are you there?', 'Back.']);
  });
});
