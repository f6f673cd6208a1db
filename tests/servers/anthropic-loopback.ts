/**
 * A loopback server speaking Anthropic's Messages API as `@anthropic-ai/sdk` uses it:
 * `POST /v1/messages` with `stream: true` answered by the real event sequence (message_start,
 * content_block_start/delta/stop for text and tool_use with input_json_delta, message_delta,
 * message_stop), scripted HTTP errors (429 rate_limit_error …) and mid-stream `error` events.
 * Every request is recorded with its headers and body.
 */
import { createServer, type Server } from 'node:http';
import type { ChatPart, RecordedRequest } from './openai-loopback';

export type AnthropicReply =
  | { type: 'stream'; parts: ChatPart[]; stopReason?: string; errorAfter?: { after: number; type: string; message: string } }
  | { type: 'error'; status: number; errorType: string; message: string; headers?: Record<string, string> };

export interface AnthropicLoopback {
  url: string;
  requests: RecordedRequest[];
  script(...replies: AnthropicReply[]): void;
  close(): Promise<void>;
}

/** Starts the server on a random loopback port. */
export async function startAnthropicLoopback(): Promise<AnthropicLoopback> {
  const requests: RecordedRequest[] = [];
  const queue: AnthropicReply[] = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: text ? JSON.parse(text) : undefined,
      aborted: false,
      finished: false,
    };
    requests.push(rec);
    res.on('close', () => {
      if (!res.writableFinished) rec.aborted = true;
    });
    res.on('finish', () => (rec.finished = true));
    if (url.pathname !== '/v1/messages') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `no route ${url.pathname}` } }));
      return;
    }
    const reply = queue.shift() ?? { type: 'stream', parts: [{ text: 'OK' }] };
    if (reply.type === 'error') {
      res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': 'req_loopback', ...reply.headers });
      res.end(JSON.stringify({ type: 'error', error: { type: reply.errorType, message: reply.message } }));
      return;
    }
    if (rec.body.stream !== true) {
      // A non-streamed Message with its usage (the workflow `model` connector's calls).
      const text = reply.parts.flatMap((p) => ('text' in p ? [p.text] : [])).join('');
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_loopback' });
      res.end(
        JSON.stringify({
          id: 'msg_loopback',
          type: 'message',
          role: 'assistant',
          model: rec.body.model,
          content: [{ type: 'text', text }],
          stop_reason: reply.stopReason ?? 'end_turn',
          stop_sequence: null,
          usage: {
            input_tokens: Math.ceil(JSON.stringify(rec.body.messages ?? []).length / 4),
            output_tokens: Math.max(1, Math.ceil(text.length / 4)),
          },
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': 'req_loopback' });
    const ev = (name: string, data: unknown) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    ev('message_start', {
      type: 'message_start',
      message: {
        id: 'msg_loopback',
        type: 'message',
        role: 'assistant',
        content: [],
        model: rec.body.model,
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 10, output_tokens: 1 },
      },
    });
    ev('ping', { type: 'ping' });
    let index = 0;
    for (const part of reply.parts) {
      if (reply.errorAfter && index >= reply.errorAfter.after) {
        ev('error', { type: 'error', error: { type: reply.errorAfter.type, message: reply.errorAfter.message } });
        res.end();
        return;
      }
      if ('text' in part) {
        ev('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
        ev('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: part.text } });
      } else {
        ev('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: `toolu_${index}`, name: part.tool.name, input: {} },
        });
        const a = part.tool.arguments;
        const mid = Math.floor(a.length / 2);
        ev('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: a.slice(0, mid) },
        });
        ev('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: a.slice(mid) } });
      }
      ev('content_block_stop', { type: 'content_block_stop', index });
      index++;
      await new Promise((r) => setImmediate(r));
    }
    ev('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: reply.stopReason ?? (reply.parts.some((p) => 'tool' in p) ? 'tool_use' : 'end_turn'), stop_sequence: null },
      usage: { output_tokens: 5 },
    });
    ev('message_stop', { type: 'message_stop' });
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...r) => void queue.push(...r),
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
