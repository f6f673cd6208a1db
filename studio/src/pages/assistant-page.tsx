/**
 * /studio: the assistant. Conversations, answers streamed as they are written, the sources they
 * cite, and suggestion cards whose "Run this workflow" button opens the Run dialog prefilled —
 * it never runs anything by itself.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { Empty, ErrorState, Loading, NotAvailable } from '../components/states';
import {
  ApiError,
  askAssistant,
  createConversation,
  getConversation,
  listConversations,
  type AssistantSuggestion,
  type Citation,
  type MessageView,
} from '../services/api';
import { useMissing } from '../state/capabilities';
import { useRunDialog } from '../state/run-dialog-store';

/** A workflow the assistant suggests running, with the input it proposes. */
export interface Suggestion {
  workflowId: string;
  workflowName: string;
  reason: string;
  input: Record<string, unknown>;
}

/** A suggestion card: shows what would run and with what; the button only opens the Run dialog. */
export function SuggestionCard({ s }: { s: Suggestion }) {
  const open = useRunDialog((x) => x.open);
  return (
    <article className="card suggestion" aria-label={`Suggestion: run ${s.workflowName}`}>
      <h3>Suggested: {s.workflowName}</h3>
      <p>{s.reason}</p>
      <pre className="json small">{JSON.stringify(s.input, null, 2)}</pre>
      <button type="button" onClick={() => open(s.workflowId, s.input)}>
        Run this workflow…
      </button>
    </article>
  );
}

const toCard = (s: AssistantSuggestion): Suggestion => ({
  workflowId: s.workflowId,
  workflowName: s.workflowName,
  reason: s.rationale,
  input: s.input as Record<string, unknown>,
});

export function AssistantPage() {
  const { loading, missing } = useMissing([
    'POST /api/studio/conversations',
    'GET /api/studio/conversations/{id}',
    'POST /api/studio/conversations/{id}/messages',
  ]);
  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>Assistant</h1>
      </div>
      {loading ? (
        <Loading what="the assistant" />
      ) : missing.length ? (
        <NotAvailable feature="The assistant" needs={missing} />
      ) : (
        <Assistant />
      )}
    </>
  );
}

function Assistant() {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['conversations'], queryFn: listConversations });
  const [chosen, setChosen] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => createConversation(),
    onSuccess: (c) => {
      void qc.invalidateQueries({ queryKey: ['conversations'] });
      setChosen(c.id);
    },
  });
  const current = chosen ?? list.data?.items[0]?.id ?? null;
  return (
    <div className="split">
      <nav aria-label="Conversations">
        <button type="button" className="secondary" onClick={() => create.mutate()} disabled={create.isPending}>
          New conversation
        </button>
        {list.isPending && <Loading what="conversations" />}
        {list.isError && <ErrorState error={list.error} retry={() => void list.refetch()} />}
        <ul className="list">
          {(list.data?.items ?? []).map((c) => (
            <li key={c.id}>
              <button type="button" className="link" aria-current={c.id === current ? 'true' : undefined} onClick={() => setChosen(c.id)}>
                {c.title}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <section aria-label="Conversation">
        {current ? (
          <Conversation key={current} id={current} />
        ) : list.data ? (
          <Empty title="No conversations yet.">
            <button type="button" onClick={() => create.mutate()}>
              Start one
            </button>
          </Empty>
        ) : null}
        {create.isError && <ErrorState error={create.error} />}
      </section>
    </div>
  );
}

interface Pending {
  /** How many messages the conversation had when this question was sent. */
  base: number;
  question: string;
  text: string;
  citations: Citation[];
  suggestions: AssistantSuggestion[];
  error: string | null;
}

/** Codes and model names that mean no model answers here. */
const NO_MODEL_CODES = new Set(['model_not_configured', 'llm_not_configured', 'no_model']);

/** What to do when the assistant has no model: who configures one, and where. */
export function NoModelHelp() {
  return (
    <div className="note" role="note" aria-label="No model configured">
      <p>
        <strong>No language model is configured for the assistant,</strong> so it can only quote the passages it finds, not write answers or
        suggest runs.
      </p>
      <p>
        An administrator of the organisation chooses one in <Link to="/hq#model-provider">HQ → Model provider</Link>: an Azure OpenAI,
        Anthropic or OpenAI-compatible endpoint with its API key, or the platform default where the deployment sets one (
        <code>LLM_PROVIDER</code>, see docs/ai.md).
      </p>
    </div>
  );
}

function Conversation({ id }: { id: string }) {
  const qc = useQueryClient();
  const [noModel, setNoModel] = useState(false);
  const conv = useQuery({ queryKey: ['conversation', id], queryFn: () => getConversation(id) });
  const [question, setQuestion] = useState('');
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'nearest' });
  }, [pending?.text, conv.data?.messages.length]);

  const ask = async () => {
    const q = question.trim();
    if (!q) return;
    setQuestion('');
    setBusy(true);
    const p: Pending = { base: conv.data?.messages.length ?? 0, question: q, text: '', citations: [], suggestions: [], error: null };
    setPending({ ...p });
    const update = () => setPending({ ...p, citations: [...p.citations], suggestions: [...p.suggestions] });
    try {
      await askAssistant(id, q, {
        delta: (t) => ((p.text += t), update()),
        citation: (c) => (p.citations.push(c), update()),
        suggestion: (s) => (p.suggestions.push(s), update()),
        notice: (n) => {
          if (NO_MODEL_CODES.has(n.code)) setNoModel(true);
        },
        done: (d) => {
          if (d.model === 'none' || NO_MODEL_CODES.has(d.finishReason)) setNoModel(true);
        },
        error: (e) => {
          if (NO_MODEL_CODES.has(e.code)) setNoModel(true);
          p.error = NO_MODEL_CODES.has(e.code) ? 'No model is configured for the assistant.' : e.message;
          update();
        },
      });
      await qc.invalidateQueries({ queryKey: ['conversation', id] });
      await qc.invalidateQueries({ queryKey: ['conversations'] });
      if (!p.error) setPending(null);
    } catch (err) {
      const none = err instanceof ApiError && NO_MODEL_CODES.has(err.code);
      if (none) setNoModel(true);
      p.error = none ? 'No model is configured for the assistant.' : (err as Error).message;
      update();
    } finally {
      setBusy(false);
    }
  };

  if (conv.isPending) return <Loading what="the conversation" />;
  if (conv.isError) return <ErrorState error={conv.error} retry={() => void conv.refetch()} />;
  return (
    <>
      <h2>{conv.data.title}</h2>
      <ol className="messages" aria-label="Messages">
        {conv.data.messages.map((m) => (
          <Message key={m.id} m={m} />
        ))}
        {/* Once the stored answer has arrived it replaces the streamed one in place (no duplicate, no jump). */}
        {pending && (pending.error || conv.data.messages.length <= pending.base) && (
          <>
            <li className="message user">
              <span className="sr-only">You: </span>
              {pending.question}
            </li>
            <li className="message assistant" aria-busy={busy}>
              <span className="sr-only">Assistant: </span>
              <p className="answer">{pending.text || (busy ? '…' : '')}</p>
              <Sources citations={pending.citations} />
              {pending.suggestions.map((s) => (
                <SuggestionCard key={s.workflowId + JSON.stringify(s.input)} s={toCard(s)} />
              ))}
              {pending.error && (
                <p role="alert" className="problems">
                  {pending.error}
                </p>
              )}
            </li>
          </>
        )}
      </ol>
      <div ref={end} />
      {noModel && <NoModelHelp />}
      <form
        className="ask"
        onSubmit={(e) => {
          e.preventDefault();
          void ask();
        }}
      >
        <label htmlFor="ask-input">Ask the assistant</label>
        <textarea
          id="ask-input"
          rows={3}
          value={question}
          onChange={(e) => setQuestion(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              void ask();
            }
          }}
          placeholder="e.g. Why did last night's invoice sync fail? (Enter sends, Shift+Enter for a new line)"
        />
        <div className="actions">
          <button type="submit" disabled={busy || !question.trim()}>
            {busy ? 'Answering…' : 'Send'}
          </button>
        </div>
      </form>
    </>
  );
}

function Sources({ citations }: { citations: Citation[] }) {
  if (!citations.length) return null;
  const href = (c: Citation) =>
    ({
      workflow: `/workflows/${c.source.id}`,
      run: `/runs/${c.source.id}`,
      worker: `/workers/${c.source.id}`,
      project: '/projects',
      connector: '/connectors',
      document: null,
    })[c.source.type];
  return (
    <details className="sources" open>
      <summary>Sources</summary>
      <ol>
        {citations.map((c) => {
          const to = href(c);
          return (
            <li key={c.marker} value={c.marker}>
              {to ? <Link to={to}>{c.source.label}</Link> : <strong>{c.source.label}</strong>}{' '}
              <span className="muted small">({c.source.type})</span>
              <blockquote className="small">{c.excerpt}</blockquote>
            </li>
          );
        })}
      </ol>
    </details>
  );
}

function Message({ m }: { m: MessageView }) {
  return (
    <li className={`message ${m.role}`}>
      <span className="sr-only">{m.role === 'user' ? 'You: ' : 'Assistant: '}</span>
      <p className="answer">{m.content}</p>
      <Sources citations={m.citations} />
      {m.suggestions.map((s) => (
        <SuggestionCard key={s.workflowId + JSON.stringify(s.input)} s={toCard(s)} />
      ))}
    </li>
  );
}
