/**
 * /connectors: the project's connectors (where each connects), a form generated from the chosen
 * adapter's connection schema (nested settings, only the chosen auth type's fields, secrets
 * write-only; components/connection-form.tsx) to create or edit one, and "Test connection" with
 * the server's answer.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useConfirm } from '../components/confirm-dialog';
import {
  connectionParts,
  fromRaw,
  hostsOf,
  SecretFields,
  SettingsFields,
  toRaw,
  visibleSecrets,
  whereItConnects,
  type Raw,
} from '../components/connection-form';
import { Empty, ErrorState, Loading, NotAvailable, RequestProblems } from '../components/states';
import { when } from '../components/format';
import {
  createConnector,
  deleteConnector,
  listAdapters,
  listConnectors,
  testConnector,
  updateConnector,
  type AdapterInfo,
  type ConnectorView,
} from '../services/api';
import { useMissing } from '../state/capabilities';
import { useCurrentProject } from '../state/current-project';

export function ConnectorsPage() {
  const { loading, missing } = useMissing([
    'GET /api/connectors',
    'POST /api/connectors',
    'GET /api/adapters',
    'POST /api/connectors/{id}/test',
  ]);
  if (loading) return <Loading what="connectors" />;
  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>Connectors</h1>
      </div>
      {missing.length ? <NotAvailable feature="Connectors" needs={missing} /> : <Connectors />}
    </>
  );
}

function Connectors() {
  const qc = useQueryClient();
  const { projectId, ready } = useCurrentProject();
  const list = useQuery({ queryKey: ['connectors', projectId], queryFn: () => listConnectors(projectId), enabled: ready });
  const adapters = useQuery({ queryKey: ['adapters'], queryFn: listAdapters, staleTime: Infinity });
  const [results, setResults] = useState<Record<string, { ok: boolean; text: string }>>({});
  const [editing, setEditing] = useState<string | null>(null);
  const [confirmDialog, ask] = useConfirm();
  const test = useMutation({
    mutationFn: (id: string) => testConnector(id),
    onSuccess: (r, id) =>
      setResults((x) => ({
        ...x,
        [id]: { ok: r.ok, text: r.ok ? (r.detail ?? 'Connected.') : `${r.error?.code ?? 'failed'}: ${r.error?.message ?? r.detail ?? ''}` },
      })),
    onError: (e, id) => setResults((x) => ({ ...x, [id]: { ok: false, text: e.message } })),
  });
  const remove = useMutation({ mutationFn: deleteConnector, onSuccess: () => void qc.invalidateQueries({ queryKey: ['connectors'] }) });
  const adapterOf = (c: ConnectorView) => adapters.data?.items.find((a) => a.systemType === (c.systemType ?? c.resolvedSystemType));
  return (
    <>
      {confirmDialog}
      {list.isPending && <Loading what="connectors" />}
      {list.isError && <ErrorState error={list.error} retry={() => void list.refetch()} />}
      {list.data && list.data.items.length === 0 && <Empty title="No connectors in this project yet." />}
      {remove.isError && <RequestProblems error={remove.error} />}
      {list.data && list.data.items.length > 0 && (
        <ul className="cards">
          {list.data.items.map((c) => {
            const where = whereItConnects(c.settings as Record<string, unknown>);
            return (
              <li key={c.id} className="card" data-connector={c.name}>
                <h2>{c.name}</h2>
                <p className="muted small">
                  {c.resolvedSystemType ?? c.systemType ?? 'unknown system'} · {c.connectionType ?? 'default connection'} · updated{' '}
                  {when(c.updatedAt)}
                </p>
                <p className="small" data-testid="connects-to">
                  {where ? <>Connects to {where}</> : 'No host in its settings.'}
                </p>
                {c.secretNames.length > 0 && (
                  <p className="small">Secrets stored: {c.secretNames.map((n) => n).join(', ')} (never shown)</p>
                )}
                <div className="actions left">
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => test.mutate(c.id)}
                    disabled={test.isPending && test.variables === c.id}
                    aria-label={`Test connection ${c.name}`}
                  >
                    {test.isPending && test.variables === c.id ? 'Testing…' : 'Test connection'}
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    aria-expanded={editing === c.id}
                    aria-label={`Edit ${c.name}`}
                    onClick={() => setEditing(editing === c.id ? null : c.id)}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    className="link"
                    aria-label={`Delete ${c.name}`}
                    onClick={async () => {
                      if (
                        await ask({
                          title: `Delete connector ${c.name}?`,
                          body: (
                            <p>
                              Workflows that use <code>{c.name}</code> fail until a connector of that name exists again. Its stored secrets
                              are deleted.
                            </p>
                          ),
                          confirm: 'Delete connector',
                        })
                      )
                        remove.mutate(c.id);
                    }}
                  >
                    Delete
                  </button>
                </div>
                <p role="status" className={results[c.id] ? (results[c.id]!.ok ? 'ok-line' : 'problems') : 'placeholder-line'}>
                  {results[c.id]?.text ?? ''}
                </p>
                {editing === c.id && adapters.data && (
                  <ConnectorForm
                    adapters={adapters.data.items}
                    existing={c}
                    adapter={adapterOf(c)}
                    projectId={projectId ?? null}
                    onDone={() => setEditing(null)}
                  />
                )}
              </li>
            );
          })}
        </ul>
      )}
      {adapters.isError && <ErrorState error={adapters.error} retry={() => void adapters.refetch()} />}
      {adapters.data && <ConnectorForm adapters={adapters.data.items} projectId={projectId ?? null} />}
    </>
  );
}

/** Creates a connector, or edits `existing` (settings replaced; secrets kept unless typed, and re-entered when the host changes). */
function ConnectorForm({
  adapters,
  projectId,
  existing,
  adapter: existingAdapter,
  onDone,
}: {
  adapters: AdapterInfo[];
  projectId: string | null;
  existing?: ConnectorView;
  adapter?: AdapterInfo | undefined;
  onDone?(): void;
}) {
  const qc = useQueryClient();
  const choices = adapters.filter((a) => a.systemType !== 'platform');
  const [systemType, setSystemType] = useState(
    existing ? (existing.systemType ?? existing.resolvedSystemType ?? '') : (choices[0]?.systemType ?? ''),
  );
  const [name, setName] = useState(existing?.name ?? '');
  const [raw, setRaw] = useState<Raw>(() => toRaw(existing?.settings));
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const adapter = existingAdapter ?? choices.find((a) => a.systemType === systemType);
  const { settings: settingsSchema, secrets: secretsSchema } = connectionParts(adapter?.connectionSchema);
  const typed = fromRaw(settingsSchema, raw);
  const shownSecrets = visibleSecrets(settingsSchema, secretsSchema, raw);
  const stored = existing?.secretNames ?? [];
  const hostChanged = !!existing && hostsOf(typed).join() !== hostsOf(existing.settings as Record<string, unknown>).join();
  const filled = Object.fromEntries(Object.entries(secrets).filter(([k, v]) => v !== '' && shownSecrets.includes(k)));
  const prefix = existing ? `edit-${existing.id.slice(0, 8)}` : 'c-set';
  const save = useMutation({
    mutationFn: () => {
      const body = {
        name,
        ...(systemType ? { systemType } : {}),
        settings: typed as never,
        ...(Object.keys(filled).length ? { secrets: filled } : {}),
      };
      return existing ? updateConnector(existing.id, body) : createConnector({ ...body, ...(projectId ? { projectId } : {}) });
    },
    onSuccess: () => {
      if (!existing) {
        setName('');
        setRaw({});
      }
      setSecrets({});
      void qc.invalidateQueries({ queryKey: ['connectors'] });
      onDone?.();
    },
  });
  const title = existing ? `Edit ${existing.name}` : 'New connector';
  return (
    <form
      className={existing ? 'form edit-connector' : 'panel form'}
      aria-label={title}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      {existing ? <h3>{title}</h3> : <h2>{title}</h2>}
      {!existing && (
        <div className="field">
          <label htmlFor="c-system">System</label>
          <select
            id="c-system"
            value={systemType}
            onChange={(e) => {
              setSystemType(e.target.value);
              setRaw({});
              setSecrets({});
            }}
          >
            {choices.map((a) => (
              <option key={a.systemType} value={a.systemType}>
                {a.systemType} ({a.category})
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="field">
        <label htmlFor={`${prefix}-name`}>Name</label>
        <input
          id={`${prefix}-name`}
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          aria-describedby={`${prefix}-name-help`}
        />
        <p className="help" id={`${prefix}-name-help`}>
          Workflow tasks name the connector they use by this name.
        </p>
      </div>
      <SettingsFields schema={settingsSchema} raw={raw} onChange={setRaw} idPrefix={prefix} />
      {hostChanged && stored.length > 0 && (
        <p className="note" role="note">
          The host changed: enter the secrets again. Stored secrets are never sent to a new host.
        </p>
      )}
      <SecretFields names={shownSecrets} stored={stored} mustReenter={hostChanged} values={secrets} onChange={setSecrets} />
      {save.isError && <RequestProblems error={save.error} />}
      <div className="actions">
        {existing && (
          <button type="button" className="secondary" onClick={onDone}>
            Close
          </button>
        )}
        <button type="submit" disabled={!name.trim() || !systemType || save.isPending}>
          {existing ? 'Save connector' : 'Create connector'}
        </button>
      </div>
    </form>
  );
}
