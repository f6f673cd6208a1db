/**
 * On the run page: what the run's waiting tasks wait for (a signal, an event and its key, a time,
 * an approval with its approvers and decisions so far), and for an operator a form to send a
 * signal (its JSON payload becomes the wait's output).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { listRunWaits, sendSignal, type RunWait } from '../services/api';
import { when } from './format';
import { RequestProblems } from './states';

function what(w: RunWait): string {
  switch (w.kind) {
    case 'signal':
      return `signal “${w.signal}”${w.dueAt ? `, times out ${when(w.dueAt)}` : ''}`;
    case 'event':
      return `event “${w.event}” with key “${w.key}”${w.dueAt ? `, times out ${when(w.dueAt)}` : ''}`;
    case 'time':
      return `until ${when(w.dueAt)}`;
    case 'approval': {
      const a = w.approval!;
      const by = a.decisions.map((d) => `${d.displayName ?? d.actorId} ${d.decision === 'approve' ? 'approved' : 'rejected'}`);
      return `approval “${a.title}”: ${a.approvals} of ${a.required}${by.length ? ` (${by.join(', ')})` : ''}`;
    }
  }
}

export function RunWaits({ runId, status }: { runId: string; status: string }) {
  const qc = useQueryClient();
  const waits = useQuery({ queryKey: ['run-waits', runId, status], queryFn: () => listRunWaits(runId) });
  const open = (waits.data?.items ?? []).filter((w) => w.status === 'waiting');
  const [name, setName] = useState('');
  const [payload, setPayload] = useState('{}');
  let parsed: { ok: true; value: unknown } | { ok: false } = { ok: false };
  try {
    parsed = { ok: true, value: JSON.parse(payload) as unknown };
  } catch {
    /* shown below */
  }
  const send = useMutation({
    mutationFn: () => sendSignal(runId, name, parsed.ok ? parsed.value : null),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['run-waits', runId] });
      void qc.invalidateQueries({ queryKey: ['run', runId] });
    },
  });
  if (!open.length && status !== 'WAITING') return null;
  return (
    <section aria-label="Waiting for">
      <h2>Waiting for</h2>
      <ul>
        {open.map((w) => (
          <li key={w.id}>
            {w.taskKey}: {what(w)}
            {w.kind === 'approval' && (
              <>
                {' '}
                — <Link to="/inbox">decide in the Inbox</Link>
              </>
            )}
          </li>
        ))}
      </ul>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          send.mutate();
        }}
      >
        <label>
          Signal name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder={open.find((w) => w.signal)?.signal ?? ''} />
        </label>
        <label>
          Payload (JSON)
          <textarea value={payload} onChange={(e) => setPayload(e.target.value)} />
        </label>
        {!parsed.ok && <p role="alert">Not valid JSON.</p>}
        <button type="submit" disabled={!name || !parsed.ok || send.isPending}>
          Send signal
        </button>
        {send.isSuccess && (
          <p role="status">{send.data.delivery === 'resumed' ? 'Delivered: the wait ends.' : 'Kept: the first wait for it takes it.'}</p>
        )}
        {send.isError && <RequestProblems error={send.error} />}
      </form>
    </section>
  );
}
