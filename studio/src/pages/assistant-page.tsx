/**
 * /studio: the assistant. It needs the assistant API of the AI issue (conversations with
 * streamed answers, citations and workflow suggestions); a suggestion's "Run this workflow"
 * opens the Run dialog prefilled and never runs anything by itself.
 */
import { Loading, NotAvailable } from '../components/states';
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
      <h3>{s.workflowName}</h3>
      <p>{s.reason}</p>
      <pre className="json small">{JSON.stringify(s.input, null, 2)}</pre>
      <button type="button" onClick={() => open(s.workflowId, s.input)}>
        Run this workflow…
      </button>
    </article>
  );
}

export function AssistantPage() {
  const { loading, missing } = useMissing(['POST /api/studio/conversations']);
  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>Assistant</h1>
      </div>
      {loading ? <Loading what="the assistant" /> : missing.length ? <NotAvailable feature="The assistant" needs={missing} /> : <p>The assistant API is present; this studio build does not speak it yet.</p>}
    </>
  );
}
