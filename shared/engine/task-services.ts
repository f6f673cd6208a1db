/**
 * The services the engine lends to one task's operations besides business objects: the
 * organisation's model with its token budget and usage ledger (cognitive adapters), the
 * organisation's document index (knowledge operations), and files of the project's other
 * connectors (document references). Everything is scoped to the run's organisation and project.
 */
import { createHash } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import type { FileAccess, LoadedDocument } from '../adapters/document-source';
import { DocumentTooLargeForTaskError } from '../adapters/document-source';
import { ModelBudgetExceededError, type LentModel, type ModelAccess } from '../adapters/cognitive/model-access';
import type { KnowledgeAccess } from '../adapters/intelligence/knowledge-access';
import type { CallOperation, OperationServices } from '../adapters/adapter';
import type { AdapterRegistry } from '../adapters/resolve-adapter';
import type { AiConfig } from '../ai-config';
import type { AiServices } from '../ai/ai-services';
import { deleteDocument, getDocument } from '../ai/documents/document-rows';
import { ingestDocument } from '../ai/documents/ingest-document';
import { createGuardedFetch } from '../ai/llm/guarded-fetch';
import { openModelKey } from '../ai/llm/model-provider-key';
import { createOpenAiClient } from '../ai/llm/openai-client';
import { createAnthropicTextModel, createOpenAiTextModel } from '../ai/llm/text-model';
import type { OutboundPolicy } from '../adapters/network-policy';
import type { SecretBox } from '../store/secret-box';
import type { Db } from '../db/db';
import { TaskFailedError } from '../domain/errors';
import { OrgSettingsDocument } from '../hq/api';
import type { Logger } from '../logger';
import { appendAudit } from '../store/audit';
import { getModelProvider } from '../store/model-providers';
import { getOrgSettings } from '../store/org-settings';
import { monthTokens, recordModelUsage } from '../store/model-usage';
import type { ConnectorDirectory } from '../connectors/connector-lookup';

export interface TaskServicesDeps {
  db: Db;
  ai: AiServices;
  aiConfig: AiConfig;
  secretBox: SecretBox;
  network: OutboundPolicy;
  registry: AdapterRegistry;
  connectors: ConnectorDirectory;
  logger: Logger;
  /** The deployment's Entra credential, for its own Azure OpenAI model without a key. */
  credential: () => Promise<TokenCredential>;
}

export interface TaskServiceScope {
  orgId: string;
  projectId: string;
  runId: string;
  taskKey: string;
}

/** Builds the services for a task; what the engine adds to `OperationServices`. */
export type TaskServices = (scope: TaskServiceScope) => Omit<OperationServices, 'businessObjects'>;

/** The organisation's model for one call: its HQ model provider, else the deployment's (null: none). */
export async function organisationTextModel(
  deps: Pick<TaskServicesDeps, 'db' | 'aiConfig' | 'secretBox' | 'network' | 'credential'>,
  orgId: string,
): Promise<LentModel | null> {
  const row = await getModelProvider(deps.db, orgId);
  const idle = async () => undefined;
  if (row?.provider === 'none') return null;
  if (!row || row.provider === 'platform-default') {
    const llm = deps.aiConfig.llm;
    if (llm.kind === 'none') return null;
    // The deployment's own endpoint is operator configuration: no outbound policy, its own credential.
    if (llm.kind === 'anthropic') return { model: createAnthropicTextModel(llm), release: idle };
    return {
      model: createOpenAiTextModel(await createOpenAiClient(llm, deps.credential), llm, { maxOutputTokens: llm.maxOutputTokens }),
      release: idle,
    };
  }
  const apiKey = row.sealedApiKey ? await openModelKey(deps.secretBox, orgId, row.sealedApiKey) : undefined;
  const maxOutputTokens = row.maxOutputTokens ?? deps.aiConfig.maxOutputTokens;
  const transport = createGuardedFetch(deps.network);
  const release = () => transport.close();
  const noPlatformIdentity = async (): Promise<never> => {
    // Unreachable: the settings service refuses an organisation's Azure OpenAI endpoint without a key.
    throw new TaskFailedError('model_key_required', "An organisation's Azure OpenAI endpoint needs its own API key.", { retryable: false });
  };
  if (row.provider === 'anthropic')
    return {
      model: createAnthropicTextModel({
        apiKey,
        baseUrl: row.baseUrl ?? undefined,
        model: row.model!,
        maxOutputTokens,
        fetch: transport.fetch,
      }),
      release,
    };
  const endpoint =
    row.provider === 'azure-openai'
      ? { kind: 'azure-openai' as const, endpoint: row.baseUrl!, deployment: row.deployment!, apiVersion: row.apiVersion!, apiKey }
      : { kind: 'openai-compatible' as const, baseUrl: row.baseUrl!, model: row.model!, apiKey };
  return {
    model: createOpenAiTextModel(await createOpenAiClient(endpoint, noPlatformIdentity, { fetch: transport.fetch }), endpoint, {
      maxOutputTokens,
    }),
    release,
  };
}

function modelAccess(deps: TaskServicesDeps, scope: TaskServiceScope): ModelAccess {
  return {
    organisationModel: () => organisationTextModel(deps, scope.orgId),
    organisationEmbedder: () => deps.ai.embedder,
    async checkBudget() {
      const row = await getOrgSettings(deps.db, scope.orgId);
      const parsed = OrgSettingsDocument.strip().safeParse(row?.settings ?? {});
      const budget = parsed.success ? parsed.data.modelTokenBudgetMonthly : null;
      if (budget === null) return;
      // Calls already in flight may carry the month a little past the budget; the next call is refused.
      const used = await monthTokens(deps.db, scope.orgId);
      if (used >= budget) throw new ModelBudgetExceededError(budget, used);
    },
    record: (usage) => recordModelUsage(deps.db, { orgId: scope.orgId, runId: scope.runId, taskKey: scope.taskKey, usage }),
  };
}

function knowledgeAccess(deps: TaskServicesDeps, scope: TaskServiceScope): KnowledgeAccess {
  const { db, ai } = deps;
  const principal = { orgId: scope.orgId, actor: { type: 'system' as const, id: `run:${scope.runId}` }, role: 'editor' as const };
  const byKey = async (key: string) => {
    const { rows } = await db.query<{ id: string; sha: string | null }>(
      'SELECT id, content_sha256 AS sha FROM ai_documents WHERE org_id = $1::uuid AND source_key = $2::text',
      [scope.orgId, key],
    );
    return rows[0] ?? null;
  };
  const remove = async (id: string, reason: string) => {
    const d = await getDocument(db, scope.orgId, id);
    if (!d) return false;
    // Index entries first (search stops finding it), then rows, then the file: a failure part-way can be retried.
    await ai.index.removeDocument(scope.orgId, id);
    await db.tx(async (q) => {
      await deleteDocument(q, scope.orgId, id);
      await appendAudit(q, {
        orgId: scope.orgId,
        actor: principal.actor,
        source: null,
        action: 'document.delete',
        targetType: 'document',
        targetId: id,
        diff: { before: { name: d.name }, reason },
      });
    });
    await ai.blobs
      .delete(d.blobKey)
      .catch((err: unknown) => deps.logger.warn({ err, documentId: id }, 'could not remove the file of a deleted document'));
    return true;
  };
  return {
    async search(query, top, filter, signal) {
      const keyed = filter.documentKeys?.length
        ? (
            await db.query<{ id: string }>('SELECT id FROM ai_documents WHERE org_id = $1::uuid AND source_key = ANY($2::text[])', [
              scope.orgId,
              filter.documentKeys,
            ])
          ).rows.map((r) => r.id)
        : [];
      const wanted = filter.documentIds?.length || filter.documentKeys?.length ? new Set([...(filter.documentIds ?? []), ...keyed]) : null;
      // The index filters by organisation only: with a document filter, ask for more and keep the wanted ones.
      const hits = await ai.documents.search(scope.orgId, query, wanted ? Math.min(200, top * 5) : top, signal);
      return (wanted ? hits.filter((h) => wanted.has(h.documentId)) : hits).slice(0, top).map((h) => ({
        chunkId: h.chunkId,
        documentId: h.documentId,
        documentName: h.documentName,
        position: h.position,
        content: h.content,
        score: h.score,
      }));
    },
    async ingest(doc) {
      const sha = createHash('sha256').update(doc.bytes).digest('hex');
      const existing = await byKey(doc.key);
      if (existing && existing.sha === sha) {
        const d = await getDocument(db, scope.orgId, existing.id);
        return { documentId: existing.id, status: 'unchanged', chunks: d?.chunkCount ?? 0 };
      }
      const created = await ingestDocument(
        { db, blobs: ai.blobs, embedder: ai.embedder, index: ai.index, logger: deps.logger, maxBytes: deps.aiConfig.documentMaxBytes },
        principal,
        { name: doc.name, contentType: doc.contentType, bytes: doc.bytes },
      );
      // The new version is searchable before the old one goes, so the key is never without a document.
      if (existing) await remove(existing.id, `replaced by ${created.id}`);
      try {
        await db.query(
          'UPDATE ai_documents SET source_key = $3::text, content_sha256 = $4::text WHERE org_id = $1::uuid AND id = $2::uuid',
          [scope.orgId, created.id, doc.key, sha],
        );
      } catch (err) {
        // Another run ingested the same key meanwhile (unique index): theirs stands, ours goes.
        await remove(created.id, 'lost a concurrent ingest of the same key');
        if ((err as { code?: string }).code === '23505')
          throw new TaskFailedError(
            'knowledge_ingest_conflict',
            `Document key '${doc.key}' was ingested by another task at the same time; retry.`,
            { retryable: true, cause: err },
          );
        throw err;
      }
      return { documentId: created.id, status: existing ? 'replaced' : 'created', chunks: created.chunkCount };
    },
    async delete(key) {
      const existing = await byKey(key);
      return existing ? remove(existing.id, 'deleted by a workflow') : false;
    },
  };
}

function fileAccess(deps: TaskServicesDeps, scope: TaskServiceScope): FileAccess {
  return {
    async read(name, path, maxBytes, signal): Promise<LoadedDocument> {
      const connector = await deps.connectors.find(scope.orgId, scope.projectId, name);
      if (!connector)
        throw new TaskFailedError('connector_not_found', `Task '${scope.taskKey}': no connector named '${name}' for the document.`, {
          retryable: false,
        });
      // Through the factory like any task: the connector's own adapter, credentials and network checks.
      const adapter = deps.registry.getAdapter(connector);
      const how =
        adapter.systemType === 'sftp'
          ? { op: 'get', input: { path, encoding: 'base64' } }
          : adapter.systemType === 'azure-blob'
            ? { op: 'getArtifact', input: { name: path, encoding: 'base64' } }
            : null;
      const op = how && (adapter.operations[how.op] as CallOperation | undefined);
      if (!how || !op || op.kind !== 'call') {
        throw new TaskFailedError(
          'document_source_unsupported',
          `Connector '${name}' (${adapter.systemType}) cannot serve documents; use an sftp or azure-blob connector, or a URL.`,
          { retryable: false },
        );
      }
      const out = (await op.run(op.input.parse(how.input), {
        signal,
        idempotencyKey: `${scope.runId}:${scope.taskKey}:document`,
        logger: deps.logger,
        taskKey: scope.taskKey,
        expressionContext: {},
        orgId: scope.orgId,
        projectId: scope.projectId,
        runId: scope.runId,
      })) as { content?: string; contentType?: string | null } | null;
      if (!out || typeof out.content !== 'string')
        throw new TaskFailedError('document_not_found', `Connector '${name}' has no file '${path}'.`, { retryable: false });
      const bytes = Buffer.from(out.content, 'base64');
      if (bytes.length > maxBytes) throw new DocumentTooLargeForTaskError(maxBytes, `'${path}' on connector '${name}'`);
      return { bytes, contentType: out.contentType ?? null, name: path.split(/[\\/]/).filter(Boolean).pop() ?? 'document' };
    },
  };
}

/** The task services of a platform. */
export function createTaskServices(deps: TaskServicesDeps): TaskServices {
  return (scope) => ({ models: modelAccess(deps, scope), knowledge: knowledgeAccess(deps, scope), files: fileAccess(deps, scope) });
}
