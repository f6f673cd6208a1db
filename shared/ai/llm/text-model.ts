/**
 * One-shot model calls for workflow steps (the cognitive `model` connector): a prompt in, text and
 * the tokens it cost out. Unlike the assistant's streaming `ChatModel`, no tools are ever offered:
 * a workflow step's model output is data and can never select a connector or an operation.
 * Structured output (`jsonSchema`) uses the provider's JSON-schema response format where it has
 * one (OpenAI protocol: `response_format: json_schema`); elsewhere the schema goes into the prompt
 * and the caller validates what comes back.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import type { OpenAiEndpoint } from '../../ai-config';
import { toAiServiceError } from '../ai-errors';
import { normalise } from '../embeddings/embedder';
import { modelName } from './openai-client';
import { anthropicClient, type AnthropicModelOptions } from './anthropic-chat-model';

export interface TokenCount {
  inputTokens: number;
  outputTokens: number;
}

export interface TextRequest {
  system?: string | undefined;
  /** The conversation so far, oldest first; the last turn is the user's. */
  messages: ReadonlyArray<{ role: 'user' | 'assistant'; content: string }>;
  maxTokens?: number | undefined;
  temperature?: number | undefined;
  /** Ask for JSON valid against this schema (the provider's structured-output mode when it has one). */
  jsonSchema?: { name: string; schema: Record<string, unknown> } | undefined;
  signal: AbortSignal;
}

export interface TextResult {
  text: string;
  usage: TokenCount;
  /** Why the model stopped (`stop`, `length`, `end_turn`, `max_tokens` …). */
  finishReason: string;
  model: string;
}

/** A model a workflow step can call. */
export interface TextModel {
  /** Provider and model, e.g. `azure-openai:gpt-4o-mini`. */
  readonly id: string;
  /** True when `jsonSchema` is enforced by the provider, not only asked for in the prompt. */
  readonly structuredOutput: boolean;
  complete(req: TextRequest): Promise<TextResult>;
  /** Embeddings, when the provider has them (Anthropic has none). */
  embed?(texts: readonly string[], signal: AbortSignal): Promise<{ vectors: number[][]; usage: TokenCount; model: string }>;
}

/** A text model over the OpenAI protocol (Azure OpenAI or a compatible server). */
export function createOpenAiTextModel(
  client: OpenAI,
  endpoint: OpenAiEndpoint,
  defaults: { maxOutputTokens: number; embeddingModel?: string | undefined },
): TextModel {
  const model = modelName(endpoint);
  return {
    id: `${endpoint.kind}:${model}`,
    structuredOutput: true,
    async complete(req) {
      let res: OpenAI.Chat.Completions.ChatCompletion;
      try {
        const maxTokens = req.maxTokens ?? defaults.maxOutputTokens;
        res = await client.chat.completions.create(
          {
            model,
            stream: false,
            messages: [
              ...(req.system ? [{ role: 'system' as const, content: req.system }] : []),
              ...req.messages.map((m) => ({ role: m.role, content: m.content })),
            ],
            ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
            // Azure's newer deployments accept only max_completion_tokens; many compatible servers only max_tokens.
            ...(endpoint.kind === 'azure-openai' ? { max_completion_tokens: maxTokens } : { max_tokens: maxTokens }),
            // strict: false — strict mode refuses common JSON Schema keywords (formats, optional properties); ajv is the judge.
            ...(req.jsonSchema
              ? {
                  response_format: {
                    type: 'json_schema' as const,
                    json_schema: { name: req.jsonSchema.name, schema: req.jsonSchema.schema, strict: false },
                  },
                }
              : {}),
          },
          { signal: req.signal },
        );
      } catch (err) {
        throw toAiServiceError(err, endpoint.kind);
      }
      const choice = res.choices[0];
      return {
        // Any tool call in the answer is ignored: none was offered, and output is data.
        text: choice?.message?.content ?? '',
        usage: { inputTokens: res.usage?.prompt_tokens ?? 0, outputTokens: res.usage?.completion_tokens ?? 0 },
        finishReason: choice?.finish_reason ?? 'stop',
        model: res.model ?? model,
      };
    },
    async embed(texts, signal) {
      const embeddingModel = defaults.embeddingModel;
      if (!embeddingModel)
        throw toAiServiceError(
          Object.assign(new Error('no embedding model or deployment is configured for this connector'), { status: 400 }),
          endpoint.kind,
        );
      let res: OpenAI.Embeddings.CreateEmbeddingResponse;
      try {
        res = await client.embeddings.create({ model: embeddingModel, input: [...texts], encoding_format: 'float' }, { signal });
      } catch (err) {
        throw toAiServiceError(err, endpoint.kind, 'embedding');
      }
      const vectors = [...res.data].sort((a, b) => a.index - b.index).map((d) => normalise(d.embedding));
      return { vectors, usage: { inputTokens: res.usage?.prompt_tokens ?? 0, outputTokens: 0 }, model: embeddingModel };
    },
  };
}

/** A text model over Anthropic's Messages API (no structured-output mode is used: the schema goes into the prompt). */
export function createAnthropicTextModel(opts: AnthropicModelOptions): TextModel {
  const client = anthropicClient(opts);
  return {
    id: `anthropic:${opts.model}`,
    structuredOutput: false,
    async complete(req) {
      let res: Anthropic.Message;
      try {
        res = await client.messages.create(
          {
            model: opts.model,
            max_tokens: req.maxTokens ?? opts.maxOutputTokens,
            ...(req.system ? { system: req.system } : {}),
            ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
            messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
          },
          { signal: req.signal },
        );
      } catch (err) {
        throw toAiServiceError(err, 'anthropic');
      }
      const text = res.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
      return {
        text,
        usage: { inputTokens: res.usage.input_tokens, outputTokens: res.usage.output_tokens },
        finishReason: res.stop_reason ?? 'end_turn',
        model: res.model,
      };
    },
  };
}
