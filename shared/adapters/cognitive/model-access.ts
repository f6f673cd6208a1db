/**
 * What the engine lends the cognitive adapters for one task: the organisation's model (HQ → Model
 * provider, else the deployment's), the deployment's embedder, the monthly token budget and the
 * usage ledger. Implemented in shared/engine/task-services.ts.
 */
import { TaskFailedError } from '../../domain/errors';
import type { Embedder } from '../../ai/embeddings/embedder';
import type { TextModel, TokenCount } from '../../ai/llm/text-model';

/** A model lent for one call; `release` closes its connections. */
export interface LentModel {
  model: TextModel;
  release(): Promise<void>;
}

export interface ModelAccess {
  /** The organisation's model; null when it (or the deployment) has none. */
  organisationModel(): Promise<LentModel | null>;
  /** The deployment's embedder (the one the document index uses). */
  organisationEmbedder(): Embedder;
  /** Throws `ModelBudgetExceededError` when the organisation's month is spent. */
  checkBudget(): Promise<void>;
  /** Adds one call's tokens to the task, the run and the organisation's month. */
  record(usage: TokenCount): Promise<void>;
}

/** The organisation spent its monthly token budget. Not retried: waiting minutes will not help. */
export class ModelBudgetExceededError extends TaskFailedError {
  constructor(
    readonly budget: number,
    readonly used: number,
  ) {
    super(
      'model_budget_exceeded',
      `The organisation's monthly model token budget (${budget}) is spent (${used} used this month); an admin can raise it in HQ → Organisation.`,
      { retryable: false },
    );
  }
}
