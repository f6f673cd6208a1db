/** /hq: organisation settings, model provider, members and roles, group-to-role mappings (all editable, in ./hq/), the system panel, API keys (shown once), audit log. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useLocation } from 'react-router';
import { useConfirm } from '../components/confirm-dialog';
import { ErrorState, Loading, NotAvailable, RequestProblems } from '../components/states';
import { when } from '../components/format';
import { createApiKey, getSystemStatus, listApiKeys, listAudit, revokeApiKey } from '../services/api';
import { useMissing } from '../state/capabilities';
import { ModelProviderSettings } from './hq/model-provider-settings';
import { MembersPanel } from './hq/members-panel';
import { OrganisationSettings } from './hq/organisation-settings';
import { RoleMappingsPanel } from './hq/role-mappings-panel';

/** HQ's sections, in page order: the sub-navigation links to each. */
const SECTIONS = [
  ['organisation', 'Organisation'],
  ['model-provider', 'Model provider'],
  ['system', 'System'],
  ['members', 'Members'],
  ['role-mappings', 'Group mappings'],
  ['api-keys', 'API keys'],
  ['audit', 'Audit log'],
] as const;

export function HqPage() {
  const { loading, missing } = useMissing([
    'GET /api/hq/members',
    'GET /api/hq/role-mappings',
    'GET /api/hq/api-keys',
    'GET /api/hq/audit',
    'GET /api/hq/settings',
  ]);
  const { hash } = useLocation();
  const ready = !loading && !missing.length;
  useEffect(() => {
    // A link such as /hq#model-provider lands on its section once the sections are there.
    if (ready && hash) document.getElementById(`hq-${hash.slice(1)}`)?.scrollIntoView?.({ block: 'start' });
  }, [ready, hash]);
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
          <nav aria-label="HQ sections" className="subnav">
            <ul>
              {SECTIONS.map(([id, label]) => (
                <li key={id}>
                  <a
                    href={`#${id}`}
                    aria-current={hash === `#${id}` ? 'location' : undefined}
                    onClick={(e) => {
                      e.preventDefault();
                      window.history.replaceState(window.history.state, '', `#${id}`);
                      document.getElementById(`hq-${id}`)?.scrollIntoView?.({ block: 'start' });
                    }}
                  >
                    {label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div id="hq-organisation" className="anchor">
            <OrganisationSettings />
          </div>
          <div id="hq-model-provider" className="anchor">
            <ModelProviderSettings />
          </div>
          <div id="hq-system" className="anchor">
            <SystemPanel />
          </div>
          <div id="hq-members" className="anchor">
            <MembersPanel />
          </div>
          <div id="hq-role-mappings" className="anchor">
            <RoleMappingsPanel />
          </div>
          <div id="hq-api-keys" className="anchor">
            <ApiKeys />
          </div>
          <div id="hq-audit" className="anchor">
            <Audit />
          </div>
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
              <dd>
                {q.data.runs.oldestPendingAgeSeconds === null ? 'none waiting' : `${Math.round(q.data.runs.oldestPendingAgeSeconds)} s`}
              </dd>
            </div>
            <div>
              <dt>Workers (last minute)</dt>
              <dd>{q.data.workers.seenLastMinute}</dd>
            </div>
          </dl>
          <div className="table-wrap">
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
          </div>
        </>
      )}
    </section>
  );
}

/** Copies text to the clipboard; says whether it worked. */
function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <>
      <button
        type="button"
        className="secondary small-button"
        aria-label={label}
        onClick={() => {
          const p = navigator.clipboard?.writeText(text);
          if (!p) setState('failed');
          else
            p.then(
              () => setState('copied'),
              () => setState('failed'),
            );
        }}
      >
        Copy
      </button>
      <span role="status" className="small">
        {state === 'copied' ? ' Copied.' : state === 'failed' ? ' Copying is blocked here: select the key and copy it.' : ''}
      </span>
    </>
  );
}

function ApiKeys() {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['hq-keys'], queryFn: listApiKeys });
  const [name, setName] = useState('');
  const [role, setRole] = useState<'viewer' | 'operator' | 'editor' | 'admin'>('operator');
  const [shown, setShown] = useState<{ id: string; key: string } | null>(null);
  const [confirmDialog, ask] = useConfirm();
  const create = useMutation({
    mutationFn: () => createApiKey({ name, role }),
    onSuccess: (k) => {
      setShown({ id: k.id, key: k.key });
      setName('');
      void qc.invalidateQueries({ queryKey: ['hq-keys'] });
    },
  });
  const revoke = useMutation({
    mutationFn: revokeApiKey,
    onSuccess: (_r, id) => {
      // The key just shown is no use once revoked: its "copy now" banner goes.
      setShown((s) => (s?.id === id ? null : s));
      void qc.invalidateQueries({ queryKey: ['hq-keys'] });
    },
  });
  return (
    <section className="panel" aria-labelledby="hq-keys-title">
      {confirmDialog}
      <h2 id="hq-keys-title">API keys</h2>
      {shown && (
        <div className="note" role="alert">
          <p>
            <strong>Copy this key now: it is shown only once.</strong>
          </p>
          <code className="secret">{shown.key}</code> <CopyButton text={shown.key} label="Copy the new key" />{' '}
          <button type="button" className="link" onClick={() => setShown(null)}>
            I have copied it
          </button>
        </div>
      )}
      {q.isPending && <Loading what="API keys" />}
      {q.isError && <ErrorState error={q.error} retry={() => void q.refetch()} />}
      {q.data && q.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Starts with</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((k) => (
                <tr key={k.id} data-key={k.name}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{k.role}</td>
                  <td>{k.status}</td>
                  <td className="small">{k.expiresAt ? when(k.expiresAt) : 'never'}</td>
                  <td>
                    {k.status === 'active' && (
                      <button
                        type="button"
                        className="link small"
                        aria-label={`Revoke ${k.name}`}
                        onClick={async () => {
                          if (
                            await ask({
                              title: `Revoke the key ${k.name}?`,
                              body: <p>Anything that uses this key is refused from now on. A revoked key cannot be restored.</p>,
                              confirm: 'Revoke key',
                            })
                          )
                            revoke.mutate(k.id);
                        }}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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
      {create.isError && <RequestProblems error={create.error} />}
      {revoke.isError && <RequestProblems error={revoke.error} />}
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
