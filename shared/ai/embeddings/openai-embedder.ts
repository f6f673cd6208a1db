/** Embeddings from Azure OpenAI or any OpenAI-compatible server, through the `openai` SDK. */
import type OpenAI from 'openai';
import type { OpenAiEndpoint } from '../../ai-config';
import { toAiServiceError } from '../ai-errors';
import { modelName } from '../llm/openai-client';
import { normalise, type Embedder } from './embedder';

// Azure OpenAI accepts at most 2048 inputs per request; smaller batches keep each request short.
const BATCH = 64;

/** An embedder over an OpenAI-protocol endpoint; `dimensions` is requested and checked. */
export function createOpenAiEmbedder(client: OpenAI, endpoint: OpenAiEndpoint, dimensions: number): Embedder {
  const model = modelName(endpoint);
  return {
    id: `${endpoint.kind}:${model}:${dimensions}`,
    dimensions,
    async embed(texts, signal) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += BATCH) {
        const batch = texts.slice(i, i + BATCH);
        let res;
        try {
          res = await client.embeddings.create(
            { model, input: [...batch], dimensions, encoding_format: 'float' },
            signal ? { signal } : {},
          );
        } catch (err) {
          throw toAiServiceError(err, endpoint.kind, 'embedding');
        }
        const sorted = [...res.data].sort((a, b) => a.index - b.index);
        if (sorted.length !== batch.length)
          throw toAiServiceError(new Error(`expected ${batch.length} embeddings, got ${sorted.length}`), endpoint.kind, 'embedding');
        for (const d of sorted) {
          if (d.embedding.length !== dimensions) {
            throw toAiServiceError(
              new Error(`expected ${dimensions} dimensions, got ${d.embedding.length}; set EMBEDDING_DIMENSIONS to match the model`),
              endpoint.kind,
              'embedding',
            );
          }
          out.push(normalise(d.embedding));
        }
      }
      return out;
    },
  };
}
