/** Chat over the OpenAI protocol (Azure OpenAI or any compatible server), streamed as SSE chunks. */
import type OpenAI from 'openai';
import type { OpenAiEndpoint } from '../../ai-config';
import { toAiServiceError } from '../ai-errors';
import { modelName } from './openai-client';
import type { ChatEvent, ChatModel, ChatRequest } from './chat-model';

/** A chat model over `client`. */
export function createOpenAiChatModel(client: OpenAI, endpoint: OpenAiEndpoint, maxOutputTokens: number): ChatModel {
  const model = modelName(endpoint);
  return {
    id: `${endpoint.kind}:${model}`,
    async *stream(req: ChatRequest): AsyncIterable<ChatEvent> {
      const calls = new Map<number, { name: string; args: string }>();
      let finish = 'stop';
      try {
        const stream = await client.chat.completions.create(
          {
            model,
            stream: true,
            messages: [{ role: 'system', content: req.system }, ...req.messages.map((m) => ({ role: m.role, content: m.content }))],
            ...(req.tools.length
              ? {
                  tools: req.tools.map((t) => ({
                    type: 'function' as const,
                    function: { name: t.name, description: t.description, parameters: t.parameters },
                  })),
                }
              : {}),
            // Azure's newer deployments accept only max_completion_tokens; many compatible servers only max_tokens.
            ...(endpoint.kind === 'azure-openai' ? { max_completion_tokens: maxOutputTokens } : { max_tokens: maxOutputTokens }),
          },
          { signal: req.signal },
        );
        for await (const chunk of stream) {
          const choice = chunk.choices[0];
          if (!choice) continue;
          if (choice.delta?.content) yield { type: 'text', text: choice.delta.content };
          for (const tc of choice.delta?.tool_calls ?? []) {
            const c = calls.get(tc.index) ?? { name: '', args: '' };
            if (tc.function?.name) c.name += tc.function.name;
            if (tc.function?.arguments) c.args += tc.function.arguments;
            calls.set(tc.index, c);
          }
          if (choice.finish_reason) finish = choice.finish_reason;
        }
      } catch (err) {
        throw toAiServiceError(err, endpoint.kind);
      }
      for (const c of [...calls.entries()].sort(([a], [b]) => a - b).map(([, v]) => v))
        yield { type: 'tool_call', name: c.name, arguments: c.args };
      yield { type: 'finish', reason: finish };
    },
  };
}
