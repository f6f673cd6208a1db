/** /workers: the digital workers of the current project: who owns them, what they run, active or paused. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { Empty, ErrorState, Loading } from '../components/states';
import { StatusBadge } from '../components/status-badge';
import { createWorker, listWorkers, updateWorker } from '../services/api';
import { useCurrentProject } from '../state/current-project';

export function WorkersPage() {
  const qc = useQueryClient();
  const { projectId, ready } = useCurrentProject();
  const q = useQuery({ queryKey: ['workers', projectId], queryFn: () => listWorkers(projectId), enabled: ready });
  const [form, setForm] = useState({ name: '', owner: '', description: '' });
  const create = useMutation({
    mutationFn: () =>
      createWorker({
        name: form.name,
        owner: form.owner,
        ...(form.description ? { description: form.description } : {}),
        ...(projectId ? { projectId } : {}),
      }),
    onSuccess: () => {
      setForm({ name: '', owner: '', description: '' });
      void qc.invalidateQueries({ queryKey: ['workers'] });
    },
  });
  const toggle = useMutation({
    mutationFn: (w: { id: string; status: 'active' | 'paused' }) =>
      updateWorker(w.id, { status: w.status === 'active' ? 'paused' : 'active' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['workers'] }),
  });
  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>Digital workers</h1>
      </div>
      <p className="muted">
        A digital worker is a named automation role that owns workflows and their schedules. Pausing it refuses new runs of its workflows
        and stops its schedules.
      </p>
      {q.isPending && <Loading what="digital workers" />}
      {q.isError && <ErrorState error={q.error} retry={() => void q.refetch()} />}
      {q.data && q.data.items.length === 0 && <Empty title="No digital workers in this project yet." />}
      {q.data && q.data.items.length > 0 && (
        <ul className="cards">
          {q.data.items.map((w) => (
            <li key={w.id} className="card">
              <h2>
                <Link to={`/workers/${w.id}`}>{w.name}</Link> <StatusBadge status={w.status} />
              </h2>
              <p className="muted small">Owner: {w.owner}</p>
              {w.description && <p>{w.description}</p>}
              <p className="small">{w.workflows.length ? `Runs ${w.workflows.map((x) => x.name).join(', ')}` : 'Owns no workflows yet.'}</p>
              <button type="button" className="secondary" onClick={() => toggle.mutate(w)} disabled={toggle.isPending}>
                {w.status === 'active' ? 'Pause' : 'Resume'} <span className="sr-only">{w.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {toggle.isError && (
        <p role="alert" className="problems">
          {toggle.error.message}
        </p>
      )}
      <form
        className="panel form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <h2>New digital worker</h2>
        <div className="field">
          <label htmlFor="w-name">Name</label>
          <input id="w-name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required />
        </div>
        <div className="field">
          <label htmlFor="w-owner">Owner</label>
          <input
            id="w-owner"
            value={form.owner}
            onChange={(e) => setForm({ ...form, owner: e.target.value })}
            required
            placeholder="a person or team"
          />
        </div>
        <div className="field">
          <label htmlFor="w-desc">Description</label>
          <input id="w-desc" value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} />
        </div>
        {create.isError && (
          <p role="alert" className="problems">
            {create.error.message}
          </p>
        )}
        <div className="actions">
          <button type="submit" disabled={!form.name.trim() || !form.owner.trim() || create.isPending}>
            Create digital worker
          </button>
        </div>
      </form>
    </>
  );
}
