/**
 * Context providers: pluggable sources of scored snippets, each with a reference to where it came
 * from. Every provider receives the caller's principal and must only read that organisation's
 * rows (and, for API keys scoped to some workflows, only those workflows).
 */
import type { Principal } from '../../domain/principal';
import type { Db } from '../../db/db';
import type { SourceType, StudioFocus } from '../../domain/studio-api';
import type { Logger } from '../../logger';
import type { DocumentSearch } from '../documents/search-documents';

/** One piece of context. `score` in [0, 1]: how likely it helps with this question. */
export interface Snippet {
  source: { type: SourceType; id: string; label: string };
  text: string;
  score: number;
  /** For document snippets: the chunk quoted. */
  chunk?: { id: string; documentId: string; position: number };
}

export interface ContextRequest {
  db: Db;
  principal: Principal;
  focus: StudioFocus;
  question: string;
  documents: DocumentSearch;
  logger: Logger;
  /** Aborted when the client goes away; providers pass it to remote calls. */
  signal?: AbortSignal;
}

export interface ContextProvider {
  readonly name: string;
  provide(req: ContextRequest): Promise<Snippet[]>;
}

/** True when the principal may see this workflow (API keys may be limited to some workflows). */
export function inWorkflowScope(principal: Principal, workflowId: string): boolean {
  return !principal.workflowScope || principal.workflowScope.includes(workflowId);
}

/** Lower-case words of 3+ letters, for matching names mentioned in a question. */
export function words(text: string): Set<string> {
  return new Set((text.toLowerCase().match(/[\p{L}\p{N}_-]{3,}/gu) ?? []).map((w) => w.replace(/^[-_]+|[-_]+$/g, '')));
}
