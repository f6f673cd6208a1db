/**
 * A loopback server speaking the OpenAI REST protocol as the `openai` SDK uses it, for both the
 * plain API (`/v1/chat/completions`, `/v1/embeddings`) and Azure OpenAI
 * (`/openai/deployments/{deployment}/chat/completions?api-version=…`). Chat answers stream as SSE
 * `chat.completion.chunk`s (text and tool calls) ending in `data: [DONE]`; replies are scripted per
 * test, including errors and 429s, and a reply can hang mid-stream to test client disconnects.
 * Embeddings are deterministic hashed vectors, so retrieval through this server is meaningful.
 * Every request is recorded (path, query, headers, JSON body, whether the client aborted it).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { hashedVector } from '../../shared/ai/embeddings/hashed-embedder';

export type ChatPart = { text: string } | { tool: { name: string; arguments: string } };

export type OpenAiReply =
  | {
      type: 'stream';
      parts: ChatPart[];
      finishReason?: string;
      hangAfter?: number;
      usage?: { prompt_tokens: number; completion_tokens: number };
    }
  | { type: 'error'; status: number; body: unknown; headers?: Record<string, string> };

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: any;
  aborted: boolean;
  finished: boolean;
}

export interface OpenAiLoopback {
  url: string;
  requests: RecordedRequest[];
  /** Queues replies for the next chat requests, in order; with none queued the answer is "OK". */
  script(...replies: OpenAiReply[]): void;
  chatRequests(): RecordedRequest[];
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

/** Starts the server on a random loopback port. */
export async function startOpenAiLoopback(): Promise<OpenAiLoopback> {
  const requests: RecordedRequest[] = [];
  const queue: OpenAiReply[] = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: await readJson(req),
      aborted: false,
      finished: false,
    };
    requests.push(rec);
    res.on('close', () => {
      if (!res.writableFinished) rec.aborted = true;
    });
    res.on('finish', () => (rec.finished = true));

    if (url.pathname.endsWith('/embeddings')) {
      const inputs: string[] = Array.isArray(rec.body.input) ? rec.body.input : [rec.body.input];
      const dims = rec.body.dimensions ?? 64;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          model: rec.body.model ?? 'embedding',
          data: inputs.map((t, index) => ({ object: 'embedding', index, embedding: hashedVector(t, dims) })),
          usage: { prompt_tokens: 1, total_tokens: 1 },
        }),
      );
      return;
    }
    if (!url.pathname.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${url.pathname}`, type: 'invalid_request_error' } }));
      return;
    }
    const reply = queue.shift() ?? { type: 'stream', parts: [{ text: 'OK' }] };
    if (reply.type === 'error') {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(reply.body));
      return;
    }
    if (rec.body.stream !== true) {
      // A non-streamed `chat.completion` with its usage (the workflow `model` connector's calls).
      const content = reply.parts.flatMap((p) => ('text' in p ? [p.text] : [])).join('');
      const toolCalls = reply.parts.flatMap((p, i) => ('tool' in p ? [{ id: `call_${i}`, type: 'function', function: p.tool }] : []));
      const promptChars = JSON.stringify(rec.body.messages ?? []).length;
      const usage = reply.usage ?? {
        prompt_tokens: Math.ceil(promptChars / 4),
        completion_tokens: Math.max(1, Math.ceil(content.length / 4)),
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'chatcmpl-loopback',
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: rec.body.model ?? 'deployment',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content, ...(toolCalls.length ? { tool_calls: toolCalls } : {}), refusal: null },
              finish_reason: reply.finishReason ?? (toolCalls.length ? 'tool_calls' : 'stop'),
              logprobs: null,
            },
          ],
          usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const base = {
      id: 'chatcmpl-loopback',
      object: 'chat.completion.chunk',
      created: Math.floor(Date.now() / 1000),
      model: rec.body.model ?? 'deployment',
    };
    const send = (delta: unknown, finish: string | null = null) =>
      res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
    send({ role: 'assistant', content: '' });
    let toolIndex = 0;
    for (let i = 0; i < reply.parts.length; i++) {
      if (reply.hangAfter !== undefined && i >= reply.hangAfter) return; // hold the connection open, sending nothing more
      const part = reply.parts[i]!;
      if ('text' in part) send({ content: part.text });
      else {
        const index = toolIndex++;
        send({ tool_calls: [{ index, id: `call_${index}`, type: 'function', function: { name: part.tool.name, arguments: '' } }] });
        // Arguments arrive in pieces, as real servers send them.
        const a = part.tool.arguments;
        const mid = Math.floor(a.length / 2);
        send({ tool_calls: [{ index, function: { arguments: a.slice(0, mid) } }] });
        send({ tool_calls: [{ index, function: { arguments: a.slice(mid) } }] });
      }
      // Let each chunk leave as its own write, so the client sees a real stream.
      await new Promise((r) => setImmediate(r));
    }
    if (reply.hangAfter !== undefined && reply.hangAfter >= reply.parts.length) return;
    send({}, reply.finishReason ?? (reply.parts.some((p) => 'tool' in p) ? 'tool_calls' : 'stop'));
    res.end('data: [DONE]\n\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...r) => void queue.push(...r),
    chatRequests: () => requests.filter((r) => r.path.endsWith('/chat/completions')),
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
