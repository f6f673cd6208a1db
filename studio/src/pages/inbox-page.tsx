/**
 * /inbox: the approvals the signed-in person may decide now, each with its details, approvers and
 * the decisions made so far, approved or rejected with a comment. The navigation shows how many
 * are waiting (`InboxCount`). Deciding needs a sign-in: there is no approve-by-link.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { JsonView } from '../components/json-view';
import { Empty, ErrorState, Loading, RequestProblems } from '../components/states';
import { when } from '../components/format';
import { decideApproval, listApprovals, type ApprovalView } from '../services/api';

export function InboxPage() {
  const list = useQuery({ queryKey: ['approvals', 'pending'], queryFn: () => listApprovals('pending'), refetchInterval: 10_000 });
  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>Inbox</h1>
      </div>
      {list.isPending ? (
        <Loading what="approvals" />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => void list.refetch()} what="approvals" />
      ) : !list.data.items.length ? (
        <Empty title="Nothing to decide.">Approvals you may decide appear here.</Empty>
      ) : (
        <ul className="inbox">
          {list.data.items.map((a) => (
            <Approval key={a.id} approval={a} />
          ))}
        </ul>
      )}
    </>
  );
}

function Approval({ approval: a }: { approval: ApprovalView }) {
  const qc = useQueryClient();
  const [comment, setComment] = useState('');
  const decide = useMutation({
    mutationFn: (decision: 'approve' | 'reject') => decideApproval(a.id, decision, comment.trim() || undefined),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['approvals'] }),
  });
  const who = [
    ...(a.approvers.roles ?? []).map((r) => `role ${r}`),
    ...(a.approvers.groups ?? []).map((g) => `group ${g}`),
    ...(a.approvers.users ?? []),
  ];
  return (
    <li className="card" aria-label={a.title}>
      <h2>{a.title}</h2>
      <p>
        Run <Link to={`/runs/${a.runId}`}>{a.runId}</Link>, task {a.taskKey}; opened {when(a.createdAt)}
        {a.dueAt ? `, times out ${when(a.dueAt)}` : ''}.
      </p>
      <p>
        {a.approvals} of {a.required} approval{a.required === 1 ? '' : 's'}; approvers: {who.join(', ')}.
      </p>
      {a.details !== null && <JsonView value={a.details} label="Details" />}
      {a.decisions.length > 0 && (
        <>
          <h3>Decisions</h3>
          <ul>
            {a.decisions.map((d) => (
              <li key={d.actorId}>
                {d.displayName ?? d.actorId}: {d.decision === 'approve' ? 'approved' : 'rejected'} {when(d.decidedAt)}
                {d.comment ? ` — “${d.comment}”` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      <label className="comment">
        Comment
        <textarea value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} />
      </label>
      <div className="actions">
        <button type="button" disabled={decide.isPending} onClick={() => decide.mutate('approve')}>
          Approve
        </button>
        <button type="button" className="secondary" disabled={decide.isPending} onClick={() => decide.mutate('reject')}>
          Reject
        </button>
      </div>
      {decide.isError && <RequestProblems error={decide.error} />}
    </li>
  );
}

/** How many approvals wait for the signed-in person, for the navigation (nothing when none or unknown). */
export function InboxCount() {
  const list = useQuery({ queryKey: ['approvals', 'pending'], queryFn: () => listApprovals('pending'), refetchInterval: 30_000 });
  const n = list.data?.items.length ?? 0;
  return n ? (
    <span className="count" aria-label={`${n} waiting`}>
      {' '}
      ({n})
    </span>
  ) : null;
}
