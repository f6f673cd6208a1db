/**
 * /hq group-to-role mappings: which Entra group (by object id) gives which role. Add or replace
 * with PUT /api/hq/role-mappings/{groupId}, edit a row's role and description in the same form,
 * delete after an inline confirmation. The server's problems (a group id that is not a UUID, a
 * role above the caller's own) are shown as it words them.
 */
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { when } from '../../components/format';
import { ErrorState, Loading, RequestProblems } from '../../components/states';
import { deleteRoleMapping, listRoleMappings, putRoleMapping, type Role, type RoleMappingView } from '../../services/api';
import { ROLES } from './roles';

const refresh = (qc: QueryClient) =>
  Promise.all([qc.invalidateQueries({ queryKey: ['hq-mappings'] }), qc.invalidateQueries({ queryKey: ['hq-audit'] })]);

export function RoleMappingsPanel() {
  const q = useQuery({ queryKey: ['hq-mappings'], queryFn: listRoleMappings });
  const [editing, setEditing] = useState<RoleMappingView | null>(null);
  return (
    <section className="panel" aria-labelledby="hq-mappings-title">
      <h2 id="hq-mappings-title">Group-to-role mappings</h2>
      {q.isPending && <Loading what="mappings" />}
      {q.isError && <ErrorState error={q.error} retry={() => void q.refetch()} />}
      {q.data && q.data.items.length === 0 && <p className="muted">No groups are mapped to roles.</p>}
      {q.data && q.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Group (object id)</th>
                <th scope="col">Role</th>
                <th scope="col">Description</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((m) => (
                <MappingRow key={m.groupId} mapping={m} onEdit={() => setEditing(m)} editing={editing?.groupId === m.groupId} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <MappingForm key={editing?.groupId ?? 'new'} editing={editing} existing={q.data?.items ?? []} onDone={() => setEditing(null)} />
    </section>
  );
}

function MappingRow({ mapping: m, onEdit, editing }: { mapping: RoleMappingView; onEdit(): void; editing: boolean }) {
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  const remove = useMutation({ mutationFn: () => deleteRoleMapping(m.groupId), onSuccess: () => refresh(qc) });
  return (
    <tr data-group={m.groupId} aria-current={editing || undefined}>
      <td>
        <code>{m.groupId}</code>
      </td>
      <td>{m.role}</td>
      <td>{m.description ?? <span className="muted">—</span>}</td>
      <td className="small">
        {when(m.createdAt)} <span className="muted">by {m.createdBy}</span>
      </td>
      <td>
        {confirming ? (
          <div role="group" aria-label={`Delete the mapping of group ${m.groupId}?`} className="inline-form">
            <button
              ref={confirmButton}
              type="button"
              aria-label={`Delete the mapping of group ${m.groupId}`}
              onClick={() => remove.mutate()}
              disabled={remove.isPending}
            >
              Delete
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </div>
        ) : (
          <div className="inline-form">
            <button type="button" className="link" aria-label={`Edit mapping of group ${m.groupId}`} onClick={onEdit}>
              Edit
            </button>
            <button type="button" className="link" aria-label={`Delete… mapping of group ${m.groupId}`} onClick={() => setConfirming(true)}>
              Delete…
            </button>
          </div>
        )}
        {remove.isError && <RequestProblems error={remove.error} />}
      </td>
    </tr>
  );
}

function MappingForm({
  editing,
  existing,
  onDone,
}: {
  editing: RoleMappingView | null;
  existing: readonly RoleMappingView[];
  onDone(): void;
}) {
  const qc = useQueryClient();
  const [groupId, setGroupId] = useState(editing?.groupId ?? '');
  const [role, setRole] = useState<Role>(editing?.role ?? 'viewer');
  const [description, setDescription] = useState(editing?.description ?? '');
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => {
    if (editing) first.current?.focus();
  }, [editing]);
  const save = useMutation({
    mutationFn: () => putRoleMapping(groupId.trim(), { role, ...(description.trim() ? { description: description.trim() } : {}) }),
    onSuccess: async () => {
      setGroupId('');
      setDescription('');
      await refresh(qc);
      onDone();
    },
  });
  const replaces = !editing && existing.find((m) => m.groupId === groupId.trim().toLowerCase());
  const title = editing ? `Edit the mapping of group ${editing.groupId}` : 'Map a group to a role';
  return (
    <form
      aria-label={title}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <h3>{title}</h3>
      <div className="inline-form">
        {!editing && (
          <>
            <label htmlFor="mapping-group">Group object id</label>
            <input
              id="mapping-group"
              value={groupId}
              onChange={(e) => setGroupId(e.target.value)}
              required
              size={36}
              spellCheck={false}
              placeholder="00000000-0000-0000-0000-000000000000"
            />
          </>
        )}
        <label htmlFor="mapping-role">Role</label>
        <select id="mapping-role" ref={first} value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <label htmlFor="mapping-description">Description</label>
        <input id="mapping-description" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />
        <button type="submit" className="secondary" disabled={!groupId.trim() || save.isPending}>
          {save.isPending ? 'Saving…' : editing ? 'Save mapping' : 'Add mapping'}
        </button>
        {editing && (
          <button type="button" className="link" onClick={onDone}>
            Cancel editing
          </button>
        )}
      </div>
      {replaces && (
        <p className="note" role="status">
          This group is mapped to {replaces.role} already; saving replaces that.
        </p>
      )}
      {save.isError && <RequestProblems error={save.error} />}
    </form>
  );
}
