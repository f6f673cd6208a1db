/**
 * The other two model providers through the whole pipeline, each against a loopback server that
 * speaks its protocol, driven by the real SDK: Azure OpenAI (`AzureOpenAI` from `openai`, with an
 * Entra bearer token from a credential, or an API key) and Anthropic (`@anthropic-ai/sdk`).
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMPT_RULES } from '../../../shared/ai/chat/prompt';
import { createOpenAiClient } from '../../../shared/ai/llm/openai-client';
import { createOpenAiChatModel } from '../../../shared/ai/llm/openai-chat-model';
import { createWorkflow } from '../../../shared/engine/workflows-service';
import { DEV_ORG_ID } from '../../../shared/store/organisations';
import { startAnthropicLoopback, type AnthropicLoopback } from '../../servers/anthropic-loopback';
import { startOpenAiLoopback, type OpenAiLoopback } from '../../servers/openai-loopback';
import { api, createTestPlatform, startTestHost, type TestPlatform } from '../../helpers/test-platform';
import { ask } from './sse-client';

/** A credential that hands out a fixed token and records the scopes asked for. */
function staticCredential(token: string, scopes: string[][]): TokenCredential {
  return {
    async getToken(s): Promise<AccessToken> {
      scopes.push(Array.isArray(s) ? s : [s]);
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

describe('Azure OpenAI', () => {
  let llm: OpenAiLoopback;
  let platform: TestPlatform;
  let host: { url: string; close(): Promise<void> };
  const scopes: string[][] = [];

  beforeAll(async () => {
    llm = await startOpenAiLoopback();
    platform = await createTestPlatform({
      env: {
        LLM_PROVIDER: 'azure-openai',
        AZURE_OPENAI_ENDPOINT: llm.url,
        AZURE_OPENAI_DEPLOYMENT: 'gpt-chat',
        AZURE_OPENAI_EMBEDDING_DEPLOYMENT: 'text-embed',
        AZURE_OPENAI_API_VERSION: '2024-10-21',
        EMBEDDING_DIMENSIONS: '64',
      },
      overrides: { ai: { credential: staticCredential('entra-token-123', scopes) } },
    });
    host = await startTestHost(platform);
  });
  afterAll(async () => {
    await host?.close();
    await platform?.close();
    await llm?.close();
  });

  it('calls the deployment with an Entra bearer token (no key) and embeds with the embedding deployment', async () => {
    const conv = await api(host.url, 'POST', '/api/studio/conversations', {});
    llm.script({ type: 'stream', parts: [{ text: 'Hello from ' }, { text: 'Azure.' }] });
    const a = await ask(host.url, conv.body.id, 'Say hello');
    expect(a.text).toBe('Hello from Azure.');
    expect(a.of('done')[0].model).toBe('azure-openai:gpt-chat');

    const chat = llm.chatRequests().at(-1)!;
    expect(chat.path).toBe('/openai/deployments/gpt-chat/chat/completions');
    expect(chat.query.get('api-version')).toBe('2024-10-21');
    expect(chat.headers['authorization']).toBe('Bearer entra-token-123');
    expect(chat.headers['api-key']).toBeUndefined();
    expect(chat.body.max_completion_tokens).toBe(1024);
    expect(chat.body.messages[0].role).toBe('system');
    expect(scopes.flat()).toContain('https://cognitiveservices.azure.com/.default');

    const embed = llm.requests.find((r) => r.path.endsWith('/embeddings'))!;
    expect(embed.path).toBe('/openai/deployments/text-embed/embeddings');
    expect(embed.body.dimensions).toBe(64);
  });

  it('sends the api-key header when a key is configured', async () => {
    const endpoint = {
      kind: 'azure-openai' as const,
      endpoint: llm.url,
      deployment: 'gpt-chat',
      apiVersion: '2024-10-21',
      apiKey: 'key-abc',
    };
    const model = createOpenAiChatModel(await createOpenAiClient(endpoint, async () => staticCredential('unused', [])), endpoint, 100);
    llm.script({ type: 'stream', parts: [{ text: 'keyed' }] });
    const out = [];
    for await (const ev of model.stream({
      system: 's',
      messages: [{ role: 'user', content: 'hi' }],
      tools: [],
      signal: new AbortController().signal,
    }))
      out.push(ev);
    expect(out).toEqual([
      { type: 'text', text: 'keyed' },
      { type: 'finish', reason: 'stop' },
    ]);
    const chat = llm.chatRequests().at(-1)!;
    expect(chat.headers['api-key']).toBe('key-abc');
    expect(chat.headers['authorization']).toBeUndefined();
  });
});

describe('Anthropic', () => {
  let llm: AnthropicLoopback;
  let platform: TestPlatform;
  let host: { url: string; close(): Promise<void> };
  let wf: { id: string };

  beforeAll(async () => {
    llm = await startAnthropicLoopback();
    platform = await createTestPlatform({
      env: {
        LLM_PROVIDER: 'anthropic',
        LLM_BASE_URL: llm.url,
        LLM_MODEL: 'claude-test',
        LLM_API_KEY: 'sk-ant-test',
        LLM_CONTEXT_BUDGET_TOKENS: '1000',
      },
    });
    host = await startTestHost(platform);
    wf = await createWorkflow(
      platform,
      { orgId: DEV_ORG_ID, actor: { type: 'user', id: 'dev-admin' }, role: 'owner' },
      {
        name: 'restart-service',
        inputSchema: { type: 'object', properties: { service: { type: 'string', enum: ['api', 'worker'] } }, required: ['service'] },
        tasks: [{ key: 'x', type: 'atomic', connector: 'platform', operation: 'echo', input: {} }],
      },
    );
  });
  afterAll(async () => {
    await host?.close();
    await platform?.close();
    await llm?.close();
  });

  it('streams Claude text and turns a tool_use block into a validated suggestion', async () => {
    const conv = await api(host.url, 'POST', '/api/studio/conversations', { focus: { workflowId: wf.id } });
    llm.script({
      type: 'stream',
      parts: [
        { text: 'Restarting the worker may help [1].' },
        {
          tool: {
            name: 'suggest_workflow_run',
            arguments: JSON.stringify({ workflowId: wf.id, input: { service: 'worker' }, rationale: 'The worker is stuck.' }),
          },
        },
        {
          tool: {
            name: 'suggest_workflow_run',
            arguments: JSON.stringify({ workflowId: wf.id, input: { service: 'database' }, rationale: 'Not allowed by the enum.' }),
          },
        },
      ],
    });
    const a = await ask(host.url, conv.body.id, 'The worker looks stuck; what can I do?');
    expect(a.text).toBe('Restarting the worker may help [1].');
    expect(a.of('citation')[0].source).toMatchObject({ type: 'workflow', id: wf.id });
    expect(a.of('suggestion')).toEqual([
      { workflowId: wf.id, workflowName: 'restart-service', input: { service: 'worker' }, rationale: 'The worker is stuck.' },
    ]);
    expect(a.of('done')[0]).toMatchObject({ model: 'anthropic:claude-test', finishReason: 'tool_use' });

    const req = llm.requests.at(-1)!;
    // @anthropic-ai/sdk 1.x sends the API key as a bearer token (0.x used x-api-key); accept what the SDK sends.
    expect(req.headers['authorization'] === 'Bearer sk-ant-test' || req.headers['x-api-key'] === 'sk-ant-test').toBe(true);
    expect(req.headers['anthropic-version']).toBeDefined();
    expect(req.body).toMatchObject({ model: 'claude-test', stream: true, max_tokens: 1024 });
    for (const rule of PROMPT_RULES) expect(req.body.system).toContain(rule);
    expect(req.body.system).toContain('Workflow "restart-service"');
    expect(req.body.messages).toEqual([{ role: 'user', content: 'The worker looks stuck; what can I do?' }]);
    expect(req.body.tools[0]).toMatchObject({
      name: 'suggest_workflow_run',
      input_schema: { type: 'object', required: ['workflowId', 'input', 'rationale'] },
    });
  });

  it('reports a mid-stream overloaded error and a 429 as error events', async () => {
    const conv = await api(host.url, 'POST', '/api/studio/conversations', {});
    llm.script({
      type: 'stream',
      parts: [{ text: 'partial' }, { text: 'never' }],
      errorAfter: { after: 1, type: 'overloaded_error', message: 'Overloaded' },
    });
    const a = await ask(host.url, conv.body.id, 'Hello?');
    expect(a.events.map((e) => e.event)).toEqual(['delta', 'error']);
    expect(a.of('error')[0]).toMatchObject({ code: 'model_unavailable', retryable: true });

    llm.script({
      type: 'error',
      status: 429,
      errorType: 'rate_limit_error',
      message: 'Number of requests has exceeded your rate limit',
      headers: { 'retry-after': '3' },
    });
    const b = await ask(host.url, conv.body.id, 'Hello again?');
    expect(b.of('error')[0]).toMatchObject({ code: 'model_rate_limited', retryable: true });

    // The two unanswered questions and the next one reach Claude as one user turn (turns must alternate).
    llm.script({ type: 'stream', parts: [{ text: 'Now fine.' }] });
    await ask(host.url, conv.body.id, 'Third try?');
    expect(llm.requests.at(-1)!.body.messages).toEqual([{ role: 'user', content: 'Hello?\n\nHello again?\n\nThird try?' }]);
  });

  it('trims a long history to the budget: newest turns whole, starting with the user, older ones summarised', async () => {
    const conv = await api(host.url, 'POST', '/api/studio/conversations', {});
    const long = (n: number) => `Question number ${n}: ${'about the nightly ledger export '.repeat(12)}`;
    for (let n = 1; n <= 6; n++) {
      llm.script({ type: 'stream', parts: [{ text: `Answer ${n}: ${'the export runs at two '.repeat(10)}` }] });
      await ask(host.url, conv.body.id, long(n));
    }
    llm.script({ type: 'stream', parts: [{ text: 'Final.' }] });
    await ask(host.url, conv.body.id, 'And the last question?');
    const req = llm.requests.at(-1)!;
    const turns: Array<{ role: string; content: string }> = req.body.messages;
    // 12 earlier turns of ~100 tokens do not fit 40 % of a 1000-token budget.
    expect(turns.length).toBeLessThan(13);
    expect(turns[0]!.role).toBe('user');
    expect(turns.at(-1)).toEqual({ role: 'user', content: 'And the last question?' });
    expect(turns.at(-2)!.content).toMatch(/^Answer 6:/);
    expect(req.body.system).toMatch(/Earlier in this conversation \(summarised\):\n\d+ earlier message\(s\) are not shown/);
    expect(req.body.system).toContain('the user asked: Question number 1:');
  });
});
