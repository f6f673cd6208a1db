/**
 * The Run dialog: the workflow's input as a form (from its input schema), prefilled when opened
 * with values (e.g. from an assistant suggestion). Only the Run button starts a run.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { getWorkflow, triggerRun } from '../services/api';
import { useRunDialog } from '../state/run-dialog-store';
import { InputForm, initialResult } from './input-form';
import { ErrorState, Loading, RequestProblems } from './states';

export function RunDialog() {
  const { workflowId, prefill, close } = useRunDialog();
  if (!workflowId) return null;
  return <RunDialogBody key={workflowId + JSON.stringify(prefill)} workflowId={workflowId} prefill={prefill} close={close} />;
}

function RunDialogBody({ workflowId, prefill, close }: { workflowId: string; prefill: Record<string, unknown> | null; close(): void }) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const wf = useQuery({ queryKey: ['workflow', workflowId], queryFn: () => getWorkflow(workflowId) });
  const [result, setResult] = useState<{ input: Record<string, unknown> } | { problems: string[] } | null>(null);
  const panel = useRef<HTMLDivElement>(null);
  const opener = useRef<Element | null>(document.activeElement);
  const schema = wf.data?.definition.inputSchema as Record<string, unknown> | undefined;
  const current = result ?? (wf.data ? initialResult(schema, prefill) : null);

  const run = useMutation({
    mutationFn: (input: Record<string, unknown>) => triggerRun(workflowId, input),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['runs'] });
      void qc.invalidateQueries({ queryKey: ['workflows'] });
      close();
      void navigate(`/runs/${r.id}`);
    },
  });

  useEffect(() => {
    panel.current?.querySelector<HTMLElement>('input, select, textarea, button')?.focus();
    const back = opener.current;
    return () => (back as HTMLElement | null)?.focus?.();
  }, [wf.data]);

  useEffect(() => {
    // On the document, not the dialog: a button that turns disabled while a run starts drops focus to <body>.
    const onEscape = (e: KeyboardEvent) => e.key === 'Escape' && close();
    document.addEventListener('keydown', onEscape);
    return () => document.removeEventListener('keydown', onEscape);
  }, [close]);

  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Tab' && panel.current) {
      // Keep focus inside the dialog while it is open.
      const items = [...panel.current.querySelectorAll<HTMLElement>('input, select, textarea, button, a[href]')].filter(
        (x) => !x.hasAttribute('disabled'),
      );
      if (!items.length) return;
      const first = items[0]!;
      const last = items[items.length - 1]!;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  };

  const title = wf.data ? `Run ${wf.data.name}` : 'Run workflow';
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="run-dialog-title" ref={panel} onKeyDown={onKey}>
        <h2 id="run-dialog-title">{title}</h2>
        {wf.isPending && <Loading what="the workflow" />}
        {wf.isError && <ErrorState error={wf.error} retry={() => void wf.refetch()} />}
        {wf.data && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (current && 'input' in current) run.mutate(current.input);
            }}
          >
            {prefill && <p className="note">Prefilled by a suggestion. Check the values, then press Run.</p>}
            <p className="muted">
              Version {wf.data.version}
              {wf.data.definition.description ? ` — ${wf.data.definition.description}` : ''}
            </p>
            <InputForm schema={schema} initial={prefill} onChange={setResult} />
            {current && 'problems' in current && (
              <ul className="problems" aria-live="polite">
                {current.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            )}
            {run.isError && <RequestProblems error={run.error} />}
            <div className="actions">
              <button type="button" className="secondary" onClick={close}>
                Cancel
              </button>
              <button type="submit" disabled={!current || 'problems' in current || run.isPending}>
                {run.isPending ? 'Starting…' : 'Run'}
              </button>
            </div>
          </form>
        )}
      </div>
    </div>
  );
}
