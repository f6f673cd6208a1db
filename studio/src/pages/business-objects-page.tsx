/** /business-objects: the project's business object types (with their schemas) and a records table with filtering and paging. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { JsonView } from '../components/json-view';
import { Empty, ErrorState, Loading, NotAvailable, RequestProblems } from '../components/states';
import { when } from '../components/format';
import { parseJson } from '../components/definition-editor';
import { createBusinessObjectType, listBusinessObjects, listBusinessObjectTypes } from '../services/api';
import { useMissing } from '../state/capabilities';
import { useCurrentProject } from '../state/current-project';

export function BusinessObjectsPage() {
  const { loading, missing } = useMissing(['GET /api/business-object-types', 'GET /api/business-objects/{type}']);
  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>Business objects</h1>
      </div>
      {loading ? <Loading what="business objects" /> : missing.length ? <NotAvailable feature="Business objects" needs={missing} /> : <Types />}
    </>
  );
}

function Types() {
  const { projectId: current, ready } = useCurrentProject();
  const projectId = current ?? null;
  const types = useQuery({ queryKey: ['bo-types', projectId], queryFn: () => listBusinessObjectTypes(projectId ?? undefined), enabled: ready });
  const [chosen, setChosen] = useState<string | null>(null);
  if (types.isPending) return <Loading what="types" />;
  if (types.isError) return <ErrorState error={types.error} retry={() => void types.refetch()} />;
  if (!types.data.items.length)
    return (
      <>
        <Empty title="No business object types in this project yet." />
        <NewType projectId={projectId} />
      </>
    );
  const type = types.data.items.find((t) => t.name === chosen) ?? types.data.items[0]!;
  return (
    <div className="split">
      <nav aria-label="Business object types">
        <ul className="list">
          {types.data.items.map((t) => (
            <li key={t.id}>
              <button type="button" className="link" aria-current={t.name === type.name ? 'true' : undefined} onClick={() => setChosen(t.name)}>
                {t.name}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <section aria-labelledby="bo-type-title">
        <h2 id="bo-type-title">{type.name}</h2>
        {type.description && <p>{type.description}</p>}
        <p className="muted small">Key field: {type.keyField}</p>
        <details>
          <summary>Schema</summary>
          <JsonView value={type.schema} label={`Schema of ${type.name}`} />
        </details>
        <Records key={type.name} type={type.name} projectId={projectId} />
        <NewType projectId={projectId} />
      </section>
    </div>
  );
}

const SCHEMA_STARTER = JSON.stringify({ type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } }, required: ['id'] }, null, 2);

/** A new type: name, key field and its JSON Schema, checked as JSON while typed; the server checks the rest. */
function NewType({ projectId }: { projectId: string | null }) {
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [keyField, setKeyField] = useState('id');
  const [schema, setSchema] = useState(SCHEMA_STARTER);
  const parsed = parseJson(schema);
  const create = useMutation({
    mutationFn: () => createBusinessObjectType({ name, keyField, schema: ('value' in parsed ? parsed.value : {}) as never, ...(projectId ? { projectId } : {}) }),
    onSuccess: () => {
      setName('');
      void qc.invalidateQueries({ queryKey: ['bo-types'] });
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
      <h2>New type</h2>
      <div className="field">
        <label htmlFor="bt-name">Name</label>
        <input id="bt-name" value={name} onChange={(e) => setName(e.target.value)} required />
      </div>
      <div className="field">
        <label htmlFor="bt-key">Key field</label>
        <input id="bt-key" value={keyField} onChange={(e) => setKeyField(e.target.value)} required />
      </div>
      <div className="field">
        <label htmlFor="bt-schema">Schema (JSON Schema)</label>
        <textarea id="bt-schema" className="code" rows={8} value={schema} onChange={(e) => setSchema(e.target.value)} aria-invalid={'issue' in parsed} />
        {'issue' in parsed && (
          <p className="problems">
            {parsed.issue.path}: {parsed.issue.message}
          </p>
        )}
      </div>
      {create.isError && (
        <RequestProblems error={create.error} />
      )}
      <div className="actions">
        <button type="submit" disabled={!name.trim() || 'issue' in parsed || create.isPending}>
          Create type
        </button>
      </div>
    </form>
  );
}

function Records({ type, projectId }: { type: string; projectId: string | null }) {
  const [filter, setFilter] = useState('');
  const [applied, setApplied] = useState('');
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors.at(-1);
  const q = useQuery({ queryKey: ['bo', type, projectId, applied, cursor], queryFn: () => listBusinessObjects(type, { projectId: projectId ?? undefined, filter: applied || undefined, cursor }) });
  return (
    <>
      <form
        className="inline-form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(filter);
          setCursors([undefined]);
        }}
      >
        <label htmlFor="bo-filter">Filter</label>
        <input id="bo-filter" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="as the API accepts it" />
        <button type="submit" className="secondary">
          Apply
        </button>
      </form>
      {q.isPending && <Loading what="records" />}
      {q.isError && <ErrorState error={q.error} retry={() => void q.refetch()} />}
      {q.data && q.data.items.length === 0 && <Empty title="No records match." />}
      {q.data && q.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Records of {type}</caption>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Data</th>
                <th scope="col">Version</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((r) => (
                <tr key={r.key}>
                  <td>
                    <code>{r.key}</code>
                  </td>
                  <td>
                    <code className="small">{JSON.stringify(r.data).slice(0, 160)}</code>
                  </td>
                  <td>{r.version}</td>
                  <td className="small">{when(r.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="actions left">
        <button type="button" className="secondary" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <button type="button" className="secondary" disabled={!q.data?.nextCursor} onClick={() => setCursors([...cursors, q.data!.nextCursor!])}>
          Next page
        </button>
      </div>
    </>
  );
}
