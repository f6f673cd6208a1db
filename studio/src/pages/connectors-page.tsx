/**
 * /connectors: the project's connectors, a form generated from the chosen adapter's connection
 * schema (settings as fields, secrets write-only), and "Test connection" with the server's answer.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Empty, ErrorState, Loading, NotAvailable } from '../components/states';
import { when } from '../components/format';
import { createConnector, deleteConnector, listAdapters, listConnectors, testConnector, type AdapterInfo } from '../services/api';
import { useMissing } from '../state/capabilities';
import { useCurrentProject } from '../state/current-project';

type Prop = { type?: string; description?: string; enum?: unknown[]; default?: unknown };
type JsonSchema = { properties?: Record<string, Prop>; required?: string[] };

function part(adapter: AdapterInfo | undefined, which: 'settings' | 'secrets'): { fields: Array<[string, Prop]>; required: Set<string> } {
  const schema = adapter?.connectionSchema as { properties?: Record<string, JsonSchema> } | null | undefined;
  const p = schema?.properties?.[which];
  return { fields: Object.entries(p?.properties ?? {}), required: new Set(p?.required ?? []) };
}

export function ConnectorsPage() {
  const { loading, missing } = useMissing(['GET /api/connectors', 'POST /api/connectors', 'GET /api/adapters', 'POST /api/connectors/{id}/test']);
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
  const test = useMutation({
    mutationFn: (id: string) => testConnector(id),
    onSuccess: (r, id) => setResults((x) => ({ ...x, [id]: { ok: r.ok, text: r.ok ? r.detail ?? 'Connected.' : `${r.error?.code ?? 'failed'}: ${r.error?.message ?? r.detail ?? ''}` } })),
    onError: (e, id) => setResults((x) => ({ ...x, [id]: { ok: false, text: e.message } })),
  });
  const remove = useMutation({ mutationFn: deleteConnector, onSuccess: () => void qc.invalidateQueries({ queryKey: ['connectors'] }) });
  return (
    <>
      {list.isPending && <Loading what="connectors" />}
      {list.isError && <ErrorState error={list.error} retry={() => void list.refetch()} />}
      {list.data && list.data.items.length === 0 && <Empty title="No connectors in this project yet." />}
      {list.data && list.data.items.length > 0 && (
        <ul className="cards">
          {list.data.items.map((c) => (
            <li key={c.id} className="card" data-connector={c.name}>
              <h2>{c.name}</h2>
              <p className="muted small">
                {c.resolvedSystemType ?? c.systemType ?? 'unknown system'} · {c.connectionType ?? 'default connection'} · updated {when(c.updatedAt)}
              </p>
              {c.secretNames.length > 0 && <p className="small">Secrets set: {c.secretNames.join(', ')} (never shown)</p>}
              <div className="actions left">
                <button type="button" className="secondary" onClick={() => test.mutate(c.id)} disabled={test.isPending && test.variables === c.id}>
                  {test.isPending && test.variables === c.id ? 'Testing…' : 'Test connection'}
                  <span className="sr-only"> {c.name}</span>
                </button>
                <button type="button" className="link" onClick={() => window.confirm(`Delete connector ${c.name}?`) && remove.mutate(c.id)}>
                  Delete<span className="sr-only"> {c.name}</span>
                </button>
              </div>
              <p role="status" className={results[c.id] ? (results[c.id]!.ok ? 'ok-line' : 'problems') : 'placeholder-line'}>
                {results[c.id]?.text ?? ''}
              </p>
            </li>
          ))}
        </ul>
      )}
      {adapters.isError && <ErrorState error={adapters.error} retry={() => void adapters.refetch()} />}
      {adapters.data && <NewConnector adapters={adapters.data.items} projectId={projectId ?? null} />}
    </>
  );
}

function NewConnector({ adapters, projectId }: { adapters: AdapterInfo[]; projectId: string | null }) {
  const qc = useQueryClient();
  const choices = adapters.filter((a) => a.systemType !== 'platform');
  const [systemType, setSystemType] = useState(choices[0]?.systemType ?? '');
  const [name, setName] = useState('');
  const [settings, setSettings] = useState<Record<string, string>>({});
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const adapter = choices.find((a) => a.systemType === systemType);
  const s = part(adapter, 'settings');
  const k = part(adapter, 'secrets');
  const create = useMutation({
    mutationFn: () => {
      const typed = Object.fromEntries(
        Object.entries(settings)
          .filter(([, v]) => v !== '')
          .map(([key, v]) => {
            const t = s.fields.find(([f]) => f === key)?.[1].type;
            return [key, t === 'number' || t === 'integer' ? Number(v) : t === 'boolean' ? v === 'true' : v];
          }),
      );
      return createConnector({
        name,
        systemType,
        settings: typed,
        ...(Object.keys(secrets).length ? { secrets: Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== '')) } : {}),
        ...(projectId ? { projectId } : {}),
      });
    },
    onSuccess: () => {
      setName('');
      setSettings({});
      setSecrets({});
      void qc.invalidateQueries({ queryKey: ['connectors'] });
    },
  });
  return (
    <form
      className="panel form"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <h2>New connector</h2>
      <div className="field">
        <label htmlFor="c-system">System</label>
        <select id="c-system" value={systemType} onChange={(e) => { setSystemType(e.target.value); setSettings({}); setSecrets({}); }}>
          {choices.map((a) => (
            <option key={a.systemType} value={a.systemType}>
              {a.systemType} ({a.category})
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="c-name">Name</label>
        <input id="c-name" value={name} onChange={(e) => setName(e.target.value)} required />
      </div>
      {s.fields.map(([f, def]) => (
        <div className="field" key={`s-${f}`}>
          <label htmlFor={`c-set-${f}`}>
            {f}
            {s.required.has(f) ? ' *' : ''}
          </label>
          {def.enum ? (
            <select id={`c-set-${f}`} value={settings[f] ?? ''} onChange={(e) => setSettings({ ...settings, [f]: e.target.value })}>
              <option value="">{def.default !== undefined ? `default (${String(def.default)})` : '—'}</option>
              {def.enum.map((o) => (
                <option key={String(o)} value={String(o)}>
                  {String(o)}
                </option>
              ))}
            </select>
          ) : def.type === 'boolean' ? (
            <select id={`c-set-${f}`} value={settings[f] ?? ''} onChange={(e) => setSettings({ ...settings, [f]: e.target.value })}>
              <option value="">{def.default !== undefined ? `default (${String(def.default)})` : '—'}</option>
              <option value="true">yes</option>
              <option value="false">no</option>
            </select>
          ) : (
            <input
              id={`c-set-${f}`}
              type={def.type === 'number' || def.type === 'integer' ? 'number' : 'text'}
              value={settings[f] ?? ''}
              placeholder={def.default !== undefined ? String(def.default) : undefined}
              onChange={(e) => setSettings({ ...settings, [f]: e.target.value })}
              required={s.required.has(f) && def.default === undefined}
            />
          )}
          {def.description && <p className="help">{def.description}</p>}
        </div>
      ))}
      {k.fields.map(([f, def]) => (
        <div className="field" key={`k-${f}`}>
          <label htmlFor={`c-sec-${f}`}>
            {f} (secret){k.required.has(f) ? ' *' : ''}
          </label>
          <input id={`c-sec-${f}`} type="password" autoComplete="new-password" value={secrets[f] ?? ''} onChange={(e) => setSecrets({ ...secrets, [f]: e.target.value })} required={k.required.has(f)} />
          <p className="help">{def.description ?? 'Write-only: stored encrypted and never shown again.'}</p>
        </div>
      ))}
      {create.isError && (
        <div role="alert" className="problems">
          <p>{create.error.message}</p>
        </div>
      )}
      <div className="actions">
        <button type="submit" disabled={!name.trim() || !systemType || create.isPending}>
          Create connector
        </button>
      </div>
    </form>
  );
}
