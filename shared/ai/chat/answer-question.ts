/**
 * The answer pipeline: user message → context from every provider → fit history and sources into
 * the budget → model → Server-Sent Events (`delta`, `citation`, `suggestion`, `done`, `error`).
 *
 * `startAnswer` does everything that can fail with an HTTP status (conversation lookup, the
 * streaming gate) before the first byte, and returns a stream. Cancelling the stream (the client
 * went away) aborts the model call and releases the gate slot. The user's message is stored at
 * once; the answer only when it completed, with the citations and suggestions shown.
 */
import { hasRole, type Principal } from '../../domain/principal';
import { DemitonError, NotFoundError } from '../../domain/errors';
import type { Citation, StudioFocus, Suggestion } from '../../domain/studio-api';
import type { Platform } from '../../platform';
import type { ContextRequest, Snippet } from '../context/context-provider';
import type { ChatTurn } from '../llm/chat-model';
import { alternateTurns, fitHistory } from './history-budget';
import { buildSystemPrompt, citedMarkers, selectSnippets } from './prompt';
import { sseComment, sseEvent, type AnswerEventName } from './sse';
import { SUGGEST_TOOL, validateSuggestion } from './suggestions';

/** What this module uses of the platform (not the whole of it). */
export type AnswerQuestionDeps = Pick<Platform, 'ai' | 'config' | 'db' | 'logger'>;

// Share of the budget for context sources; the rest is history. Sources answer the question,
// history only disambiguates it.
const SOURCES_SHARE = 0.6;
const KEEPALIVE_MS = 15_000;
const NO_MODEL = 'No language model is configured, so I cannot write an answer. An admin can choose one in HQ → Model provider.';

/** Gathers snippets from every provider; a failing provider is logged and skipped, not fatal. */
export async function gatherContext(providers: Platform['ai']['providers'], req: ContextRequest): Promise<Snippet[]> {
  const results = await Promise.all(
    providers.map(async (p) => {
      try {
        return await p.provide(req);
      } catch (err) {
        req.logger.warn({ err, provider: p.name }, 'a context provider failed; answering without it');
        return [];
      }
    }),
  );
  return results.flat();
}

function citationFor(marker: number, s: Snippet): Citation {
  return { marker, source: s.source, ...(s.chunk ? { chunk: s.chunk } : {}), excerpt: s.text.slice(0, 400) };
}

/** Validates the conversation and takes a streaming slot, then returns the answer as an SSE byte stream. */
export async function startAnswer(
  p: AnswerQuestionDeps,
  principal: Principal,
  conversationId: string,
  body: { content: string; focus?: StudioFocus | undefined },
): Promise<ReadableStream<Uint8Array>> {
  const ai = p.ai;
  const userId = principal.actor.id;
  const conversation = await ai.conversations.get(principal.orgId, userId, conversationId);
  if (!conversation) throw new NotFoundError('conversation', conversationId);
  const lease = await ai.gate.acquire(principal.orgId, userId);

  const abort = new AbortController();
  const log = p.logger.child({ conversationId, orgId: principal.orgId });
  let closed = false;
  let keepalive: NodeJS.Timeout | undefined;

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (name: AnswerEventName, data: unknown) => {
        if (!closed) controller.enqueue(sseEvent(name, data));
      };
      keepalive = setInterval(() => !closed && controller.enqueue(sseComment('keep-alive')), KEEPALIVE_MS);
      keepalive.unref();
      try {
        const focus = body.focus ?? conversation.focus;
        const history = await ai.conversations.messages(principal.orgId, conversationId);
        await ai.conversations.append(
          principal.orgId,
          userId,
          conversationId,
          { role: 'user', content: body.content, citations: [], suggestions: [] },
          body.focus,
        );

        const budget = p.config.ai.contextBudgetTokens;
        const snippets = await gatherContext(ai.providers, {
          db: p.db,
          principal,
          focus,
          question: body.content,
          documents: ai.documents,
          logger: log,
          signal: abort.signal,
        });
        const sources = selectSnippets(snippets, Math.floor(budget * SOURCES_SHARE));
        const fitted = fitHistory(
          history.map((m): ChatTurn => ({ role: m.role, content: m.content })),
          Math.floor(budget * (1 - SOURCES_SHARE)),
        );

        // The organisation's own model settings, read per question: a change applies to the next one.
        const chat = await ai.chatFor(principal.orgId);
        let answer = '';
        let citations: Citation[] = [];
        const suggestions: Suggestion[] = [];
        let model = 'none';
        let finishReason = 'stop';

        if (!chat) {
          // No model: say so with a stable code and where to set one, then quote the best passages, documents first.
          send('notice', { code: 'model_not_configured', message: NO_MODEL });
          finishReason = 'model_not_configured';
          const passages = [...sources].sort((a, b) => Number(!!b.chunk) - Number(!!a.chunk) || b.score - a.score).slice(0, 4);
          const intro = passages.length
            ? `${NO_MODEL} These are the passages most relevant to your question:\n`
            : `${NO_MODEL} No passages matched your question.`;
          send('delta', { text: intro });
          answer = intro;
          passages.forEach((s, i) => {
            const text = `\n[${i + 1}] ${s.source.label}: ${s.text.slice(0, 600)}\n`;
            send('delta', { text });
            answer += text;
            const c = citationFor(i + 1, s);
            citations.push(c);
            send('citation', c);
          });
        } else {
          model = chat.id;
          const maySuggest = hasRole(principal.role, 'operator');
          const system = buildSystemPrompt(sources, { maySuggest, historySummary: fitted.summary, now: new Date() });
          const calls: Array<{ name: string; arguments: string }> = [];
          for await (const ev of chat.stream({
            system,
            messages: alternateTurns([...fitted.turns, { role: 'user', content: body.content }]),
            tools: maySuggest ? [SUGGEST_TOOL] : [],
            signal: abort.signal,
          })) {
            if (ev.type === 'text') {
              answer += ev.text;
              send('delta', { text: ev.text });
            } else if (ev.type === 'tool_call') calls.push(ev);
            else finishReason = ev.reason;
          }
          citations = citedMarkers(answer, sources.length).map((n) => citationFor(n, sources[n - 1]!));
          for (const c of citations) send('citation', c);
          for (const call of calls) {
            const v = await validateSuggestion(p.db, principal, call);
            if ('ok' in v) {
              suggestions.push(v.ok);
              send('suggestion', v.ok);
            } else log.warn({ suggestion: v.rejected }, 'dropped a workflow suggestion from the model');
          }
        }
        if (abort.signal.aborted) return;
        const stored = await ai.conversations.append(principal.orgId, userId, conversationId, {
          role: 'assistant',
          content: answer,
          citations,
          suggestions,
        });
        send('done', { messageId: stored.id, model, finishReason });
      } catch (err) {
        if (abort.signal.aborted) {
          log.info('answer stream cancelled by the client; model call aborted');
          return;
        }
        const known = err instanceof DemitonError;
        if (!known) log.error({ err }, 'answer failed');
        else log.warn({ err }, 'answer failed');
        send(
          'error',
          known
            ? { code: err.code, message: err.message, retryable: err.retryable }
            : { code: 'internal_error', message: 'The answer failed unexpectedly.', retryable: true },
        );
      } finally {
        clearInterval(keepalive);
        await lease.release().catch((err) => log.warn({ err }, 'could not release a streaming slot; it expires with its lease'));
        if (!closed) {
          closed = true;
          controller.close();
        }
      }
    },
    cancel() {
      closed = true;
      clearInterval(keepalive);
      abort.abort();
    },
  });
}
