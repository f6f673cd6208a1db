/** /hq: organisation settings, model provider, members and roles, group-to-role mappings (all editable, in ./hq/), the system panel, API keys (shown once), audit log. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState, Loading, NotAvailable } from '../components/states';
import { when } from '../components/format';
import { createApiKey, getSystemStatus, listApiKeys, listAudit, revokeApiKey } from '../services/api';
import { useMissing } from '../state/capabilities';
import { ModelProviderSettings } from './hq/model-provider-settings';
import { MembersPanel } from './hq/members-panel';
import { OrganisationSettings } from './hq/organisation-settings';
import { RoleMappingsPanel } from './hq/role-mappings-panel';

export function HqPage() {
  const { loading, missing } = useMissing(['GET /api/hq/members', 'GET /api/hq/role-mappings', 'GET /api/hq/api-keys', 'GET /api/hq/audit', 'GET /api/hq/settings']);
  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>HQ</h1>
      </div>
      {loading ? (
        <Loading what="organisation settings" />
      ) : missing.length ? (
        <NotAvailable feature="HQ" needs={missing} />
      ) : (
        <>
          <OrganisationSettings />
          <ModelProviderSettings />
          <SystemPanel />
          <MembersPanel />
          <RoleMappingsPanel />
          <ApiKeys />
          <Audit />
        </>
      )}
    </>
  );
}

/** Queue depth, oldest pending run, workers seen in the last minute and runs by state (GET /api/hq/system). */
function SystemPanel() {
  const q = useQuery({ queryKey: ['hq-system'], queryFn: getSystemStatus, refetchInterval: 10_000 });
  return (
    <section className="panel" aria-labelledby="hq-system-title">
      <h2 id="hq-system-title">System</h2>
      {q.isPending && <Loading what="system status" />}
      {q.isError && <ErrorState error={q.error} retry={() => void q.refetch()} />}
      {q.data && (
        <>
          <dl className="facts">
            <div>
              <dt>Queue depth</dt>
              <dd>
                {q.data.queue.depth} ({q.data.queue.backend})
              </dd>
            </div>
            <div>
              <dt>Oldest pending run</dt>
              <dd>{q.data.runs.oldestPendingAgeSeconds === null ? 'none waiting' : `${Math.round(q.data.runs.oldestPendingAgeSeconds)} s`}</dd>
            </div>
            <div>
              <dt>Workers (last minute)</dt>
              <dd>{q.data.workers.seenLastMinute}</dd>
            </div>
          </dl>
          <table>
            <caption className="muted">Runs by state</caption>
            <thead>
              <tr>
                {Object.keys(q.data.runs.byStatus).map((s) => (
                  <th scope="col" key={s}>
                    {s}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                {Object.entries(q.data.runs.byStatus).map(([s, n]) => (
                  <td key={s}>{n}</td>
                ))}
              </tr>
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function ApiKeys() {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['hq-keys'], queryFn: listApiKeys });
  const [name, setName] = useState('');
  const [role, setRole] = useState<'viewer' | 'operator' | 'editor' | 'admin'>('operator');
  const [shown, setShown] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => createApiKey({ name, role }),
    onSuccess: (k) => {
      setShown(k.key);
      setName('');
      void qc.invalidateQueries({ queryKey: ['hq-keys'] });
    },
  });
  const revoke = useMutation({ mutationFn: revokeApiKey, onSuccess: () => void qc.invalidateQueries({ queryKey: ['hq-keys'] }) });
  return (
    <section className="panel">
      <h2>API keys</h2>
      {shown && (
        <div className="note" role="alert">
          <p>
            <strong>Copy this key now: it is shown only once.</strong>
          </p>
          <code className="secret">{shown}</code>{' '}
          <button type="button" className="link" onClick={() => setShown(null)}>
            I have copied it
          </button>
        </div>
      )}
      {q.isPending && <Loading what="API keys" />}
      {q.isError && <ErrorState error={q.error} retry={() => void q.refetch()} />}
      {q.data && q.data.items.length > 0 && (
        <ul className="list">
          {q.data.items.map((k) => (
            <li key={k.id}>
              {k.name} <code>{k.prefix}…</code> · {k.role} · {k.status}{' '}
              {k.status === 'active' && (
                <button type="button" className="link small" onClick={() => revoke.mutate(k.id)}>
                  Revoke<span className="sr-only"> {k.name}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label htmlFor="key-name">Key name</label>
        <input id="key-name" value={name} onChange={(e) => setName(e.target.value)} required />
        <label htmlFor="key-role">Role</label>
        <select id="key-role" value={role} onChange={(e) => setRole(e.target.value as typeof role)}>
          {['viewer', 'operator', 'editor', 'admin'].map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        <button type="submit" className="secondary" disabled={!name.trim() || create.isPending}>
          Create key
        </button>
      </form>
      {(create.isError || revoke.isError) && (
        <p role="alert" className="problems">
          {(create.error ?? revoke.error)?.message}
        </p>
      )}
    </section>
  );
}

function Audit() {
  const q = useQuery({ queryKey: ['hq-audit'], queryFn: () => listAudit() });
  return (
    <section className="panel">
      <h2>Audit log</h2>
      {q.isPending && <Loading what="the audit log" />}
      {q.isError && <ErrorState error={q.error} retry={() => void q.refetch()} />}
      {q.data && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((a) => (
                <tr key={a.id}>
                  <td className="small">{when(a.at)}</td>
                  <td>
                    {a.actor.type}:{a.actor.id}
                  </td>
                  <td>
                    <code>{a.action}</code>
                  </td>
                  <td className="small">
                    {a.targetType} {a.targetId?.slice(0, 8)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
