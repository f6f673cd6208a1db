/**
 * /hq members: who signed in, their direct role (editable), the role their last sign-in resolved
 * to, and a form to grant a role to someone before they first sign in. Every change goes through
 * PUT /api/hq/members/{tenantId}/{objectId}/role; the server refuses (403 `forbidden`) a grant or a
 * change of a role above the caller's own, and the studio asks before callers lower their own role.
 */
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { when } from '../../components/format';
import { ErrorState, Loading, RequestProblems } from '../../components/states';
import { getMe, listMembers, setMemberRole, type MemberView, type Role } from '../../services/api';
import { isSelfDemotion, memberActorId, ranksBelow, ROLES } from './roles';

type Me = Awaited<ReturnType<typeof getMe>>;

const refresh = (qc: QueryClient) =>
  Promise.all([qc.invalidateQueries({ queryKey: ['hq-members'] }), qc.invalidateQueries({ queryKey: ['hq-audit'] })]);

function RoleOptions() {
  return (
    <>
      <option value="">none (groups only)</option>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {r}
        </option>
      ))}
    </>
  );
}

export function MembersPanel() {
  const q = useQuery({ queryKey: ['hq-members'], queryFn: listMembers });
  const me = useQuery({ queryKey: ['me'], queryFn: getMe });
  return (
    <section className="panel" aria-labelledby="hq-members-title">
      <h2 id="hq-members-title">Members</h2>
      <p className="help">
        A direct role comes on top of what a person&apos;s groups and app roles give them; the effective role is what their last sign-in
        resolved to. Nobody grants or takes away a role above their own.
      </p>
      {q.isPending && <Loading what="members" />}
      {q.isError && <ErrorState error={q.error} retry={() => void q.refetch()} />}
      {q.data && q.data.items.length === 0 && <p className="muted">Nobody has signed in yet.</p>}
      {q.data && q.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Direct role</th>
                <th scope="col">Effective role</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((m) => (
                <MemberRow key={memberActorId(m)} member={m} me={me.data ?? null} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <GrantForm />
    </section>
  );
}

function MemberRow({ member: m, me }: { member: MemberView; me: Me | null }) {
  const qc = useQueryClient();
  const id = useId();
  const name = m.displayName ?? m.username ?? m.objectId;
  const [draft, setDraft] = useState<Role | ''>(m.role ?? '');
  const [confirming, setConfirming] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => setDraft(m.role ?? ''), [m.role]);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  const save = useMutation({
    mutationFn: (role: Role | null) => setMemberRole(m.tenantId, m.objectId, role),
    onSuccess: () => {
      setConfirming(false);
      return refresh(qc);
    },
  });
  const next = draft || null;
  const self = me?.actor.type === 'user' && me.actor.id === memberActorId(m);
  return (
    <tr data-member={memberActorId(m)}>
      <td>
        {name}
        {self && <span className="muted small"> (you)</span>}
        {m.username && m.displayName && <div className="muted small">{m.username}</div>}
      </td>
      <td>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (me && isSelfDemotion(me, m, next)) setConfirming(true);
            else save.mutate(next);
          }}
        >
          <label className="sr-only" htmlFor={`${id}-role`}>
            Direct role of {name}
          </label>
          <select
            id={`${id}-role`}
            value={draft}
            onChange={(e) => {
              setDraft(e.target.value as Role | '');
              setConfirming(false);
              save.reset();
            }}
          >
            <RoleOptions />
          </select>
          <button
            type="submit"
            className="secondary"
            aria-label={`Save role of ${name}`}
            disabled={next === m.role || save.isPending || confirming}
          >
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
        </form>
        {confirming && (
          <div className="note" role="group" aria-labelledby={`${id}-confirm`}>
            <p id={`${id}-confirm`}>
              This lowers your own direct role from {m.role ?? 'none'} to {next ?? 'none'}, from your next request. Unless a group or app
              role still gives you {me?.role}, you will have less access
              {next === null || ranksBelow(next, 'admin') ? ' and HQ will be closed to you' : ''}. Nothing stops the last administrator from
              doing this.
            </p>
            <div className="actions left">
              <button ref={confirmButton} type="button" onClick={() => save.mutate(next)} disabled={save.isPending}>
                Lower my role
              </button>
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  setConfirming(false);
                  setDraft(m.role ?? '');
                }}
              >
                Keep my role
              </button>
            </div>
          </div>
        )}
        {save.isError && <RequestProblems error={save.error} />}
      </td>
      <td>{m.effectiveRole ?? '—'}</td>
      <td className="small">{when(m.lastSeenAt)}</td>
    </tr>
  );
}

/** Grants a role to a person by tenant id and object id, before (or after) they first sign in. */
function GrantForm() {
  const qc = useQueryClient();
  const [tenantId, setTenantId] = useState('');
  const [objectId, setObjectId] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const grant = useMutation({
    mutationFn: () => setMemberRole(tenantId.trim(), objectId.trim(), role),
    onSuccess: () => {
      setTenantId('');
      setObjectId('');
      return refresh(qc);
    },
  });
  return (
    <form
      aria-labelledby="hq-grant-title"
      onSubmit={(e) => {
        e.preventDefault();
        grant.mutate();
      }}
    >
      <h3 id="hq-grant-title">Grant a role to a person</h3>
      <p className="help">By their Entra tenant id and object id; they need not have signed in yet.</p>
      <div className="inline-form">
        <label htmlFor="grant-tenant">Tenant id</label>
        <input id="grant-tenant" value={tenantId} onChange={(e) => setTenantId(e.target.value)} required size={36} spellCheck={false} />
        <label htmlFor="grant-object">Object id</label>
        <input id="grant-object" value={objectId} onChange={(e) => setObjectId(e.target.value)} required size={36} spellCheck={false} />
        <label htmlFor="grant-role">Role</label>
        <select id="grant-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button type="submit" className="secondary" disabled={!tenantId.trim() || !objectId.trim() || grant.isPending}>
          Grant role
        </button>
      </div>
      {grant.isError && <RequestProblems error={grant.error} />}
    </form>
  );
}
