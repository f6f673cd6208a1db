/** Chat with Anthropic Claude through `@anthropic-ai/sdk`, streamed as Messages API events. */
import Anthropic from '@anthropic-ai/sdk';
import { toAiServiceError } from '../ai-errors';
import type { ChatEvent, ChatModel, ChatRequest } from './chat-model';

/** What an Anthropic model (chat or one-shot text) is built from. */
export interface AnthropicModelOptions {
  apiKey: string | undefined;
  baseUrl: string | undefined;
  model: string;
  maxOutputTokens: number;
  fetch?: typeof fetch | undefined;
}

/**
 * The Messages API client of a model. No SDK retries: the assistant reports a 429 as a retryable
 * error event, and a workflow task's retry policy owns its retries.
 */
export function anthropicClient(opts: AnthropicModelOptions): Anthropic {
  return new Anthropic({
    apiKey: opts.apiKey ?? null,
    ...(opts.baseUrl ? { baseURL: opts.baseUrl } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    maxRetries: 0,
    timeout: 120_000,
  });
}

/** A Claude chat model. */
export function createAnthropicChatModel(opts: AnthropicModelOptions): ChatModel {
  const client = anthropicClient(opts);
  return {
    id: `anthropic:${opts.model}`,
    async *stream(req: ChatRequest): AsyncIterable<ChatEvent> {
      const tools = new Map<number, { name: string; json: string }>();
      let finish = 'end_turn';
      try {
        const stream = await client.messages.create(
          {
            model: opts.model,
            max_tokens: opts.maxOutputTokens,
            system: req.system,
            stream: true,
            messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
            ...(req.tools.length
              ? {
                  tools: req.tools.map((t) => ({
                    name: t.name,
                    description: t.description,
                    input_schema: t.parameters as Anthropic.Tool.InputSchema,
                  })),
                }
              : {}),
          },
          { signal: req.signal },
        );
        for await (const ev of stream) {
          if (ev.type === 'content_block_start' && ev.content_block.type === 'tool_use')
            tools.set(ev.index, { name: ev.content_block.name, json: '' });
          else if (ev.type === 'content_block_delta') {
            if (ev.delta.type === 'text_delta') yield { type: 'text', text: ev.delta.text };
            else if (ev.delta.type === 'input_json_delta') {
              const t = tools.get(ev.index);
              if (t) t.json += ev.delta.partial_json;
            }
          } else if (ev.type === 'message_delta' && ev.delta.stop_reason) finish = ev.delta.stop_reason;
        }
      } catch (err) {
        throw toAiServiceError(err, 'anthropic');
      }
      for (const t of [...tools.entries()].sort(([a], [b]) => a - b).map(([, v]) => v))
        yield { type: 'tool_call', name: t.name, arguments: t.json || '{}' };
      yield { type: 'finish', reason: finish };
    },
  };
}
