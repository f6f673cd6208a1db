/** /projects: the organisation's projects; choosing one scopes every page to it. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState, Loading } from '../components/states';
import { when } from '../components/format';
import { createProject, listProjects } from '../services/api';
import { useProjectStore } from '../state/project-store';

export function ProjectsPage() {
  const qc = useQueryClient();
  const { projectId, setProject } = useProjectStore();
  const q = useQuery({ queryKey: ['projects'], queryFn: listProjects });
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = useMutation({
    mutationFn: () => createProject({ name, ...(description ? { description } : {}) }),
    onSuccess: () => {
      setName('');
      setDescription('');
      void qc.invalidateQueries({ queryKey: ['projects'] });
    },
  });
  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>Projects</h1>
      </div>
      {q.isPending && <Loading what="projects" />}
      {q.isError && <ErrorState error={q.error} retry={() => void q.refetch()} />}
      {q.data && (
        <ul className="cards">
          {q.data.items.map((p) => {
            const current = projectId === p.id || (!projectId && p.isDefault);
            return (
              <li key={p.id} className={current ? 'card current' : 'card'}>
                <h2>
                  {p.name} {p.isDefault && <span className="muted small">(default)</span>}
                </h2>
                {p.description && <p>{p.description}</p>}
                <p className="muted small">
                  {p.workflowCount} workflows · {p.workerCount} digital workers · created {when(p.createdAt)}
                </p>
                {current ? (
                  <p className="ok-line">Current project</p>
                ) : (
                  <button type="button" className="secondary" onClick={() => setProject(p.isDefault ? null : p.id)}>
                    Switch to {p.name}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <form
        className="panel form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <h2>New project</h2>
        <div className="field">
          <label htmlFor="p-name">Name</label>
          <input id="p-name" value={name} onChange={(e) => setName(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="p-desc">Description</label>
          <input id="p-desc" value={description} onChange={(e) => setDescription(e.target.value)} />
        </div>
        {create.isError && (
          <p role="alert" className="problems">
            {create.error.message}
          </p>
        )}
        <div className="actions">
          <button type="submit" disabled={!name.trim() || create.isPending}>
            Create project
          </button>
        </div>
      </form>
    </>
  );
}
