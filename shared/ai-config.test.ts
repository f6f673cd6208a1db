import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';
import { ConfigError } from './domain/errors';

const issuesOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => i.path);
    throw err;
  }
  return [];
};

describe('AI configuration', () => {
  it('defaults to the local mode: no model, hashed embeddings, PostgreSQL and files', () => {
    const ai = loadConfig({}).ai;
    expect(ai.llm).toEqual({ kind: 'none' });
    expect(ai.embedding).toEqual({ kind: 'local', dimensions: 256 });
    expect(ai.conversations).toEqual({ kind: 'postgres' });
    expect(ai.documents).toEqual({ kind: 'files', dir: '.data/documents' });
    expect(ai.search).toEqual({ kind: 'postgres' });
  });

  it('names every missing variable of an incomplete provider', () => {
    expect(issuesOf({ LLM_PROVIDER: 'azure-openai' }).sort()).toEqual([
      'AZURE_OPENAI_DEPLOYMENT',
      'AZURE_OPENAI_EMBEDDING_DEPLOYMENT',
      'AZURE_OPENAI_ENDPOINT',
    ]);
    expect(issuesOf({ LLM_PROVIDER: 'openai-compatible' }).sort()).toEqual(['EMBEDDING_MODEL', 'LLM_BASE_URL', 'LLM_MODEL']);
    expect(issuesOf({ LLM_PROVIDER: 'anthropic' }).sort()).toEqual(['LLM_API_KEY', 'LLM_MODEL']);
    expect(issuesOf({ LLM_PROVIDER: 'gemini' })).toEqual(['LLM_PROVIDER']);
    expect(issuesOf({ AZURE_SEARCH_ENDPOINT: 'http://search.example.com' })).toEqual(['AZURE_SEARCH_ENDPOINT']);
    expect(issuesOf({ AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', AZURE_STORAGE_ACCOUNT_NAME: 'acct' })).toEqual([
      'AZURE_STORAGE_ACCOUNT_NAME',
    ]);
  });

  it('compiles Azure OpenAI with managed identity, Anthropic with local embeddings, and Azure storage', () => {
    const az = loadConfig({
      LLM_PROVIDER: 'azure-openai',
      AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com',
      AZURE_OPENAI_DEPLOYMENT: 'gpt',
      AZURE_OPENAI_EMBEDDING_DEPLOYMENT: 'emb',
      AZURE_STORAGE_ACCOUNT_NAME: 'demitonprod',
    }).ai;
    expect(az.llm).toMatchObject({ kind: 'azure-openai', deployment: 'gpt', apiKey: undefined });
    expect(az.embedding).toMatchObject({ kind: 'azure-openai', deployment: 'emb' });
    expect(az.conversations).toMatchObject({ kind: 'table', storage: { kind: 'identity', accountName: 'demitonprod' } });
    const an = loadConfig({ LLM_PROVIDER: 'anthropic', LLM_MODEL: 'claude', LLM_API_KEY: 'k' }).ai;
    expect(an.embedding.kind).toBe('local');
  });
});
