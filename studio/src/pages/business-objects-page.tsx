/**
 * /business-objects: the project's business object types (with their schemas), a records table
 * with a filter (an example, a builder from the type's fields, and what a filter must be when it
 * is not one) and paging, and records added, edited and deleted through a form from the schema.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useConfirm } from '../components/confirm-dialog';
import { InputForm, initialResult } from '../components/input-form';
import { JsonView } from '../components/json-view';
import { Empty, ErrorState, Loading, NotAvailable, RequestProblems } from '../components/states';
import { when } from '../components/format';
import { parseJson } from '../components/definition-editor';
import {
  createBusinessObject,
  createBusinessObjectType,
  deleteBusinessObject,
  listBusinessObjects,
  listBusinessObjectTypes,
  putBusinessObject,
} from '../services/api';
import { useMissing } from '../state/capabilities';
import { useCurrentProject } from '../state/current-project';

export function BusinessObjectsPage() {
  const { loading, missing } = useMissing(['GET /api/business-object-types', 'GET /api/business-objects/{type}']);
  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>Business objects</h1>
      </div>
      {loading ? (
        <Loading what="business objects" />
      ) : missing.length ? (
        <NotAvailable feature="Business objects" needs={missing} />
      ) : (
        <Types />
      )}
    </>
  );
}

function Types() {
  const { projectId: current, ready } = useCurrentProject();
  const projectId = current ?? null;
  const types = useQuery({
    queryKey: ['bo-types', projectId],
    queryFn: () => listBusinessObjectTypes(projectId ?? undefined),
    enabled: ready,
  });
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
              <button
                type="button"
                className="link"
                aria-current={t.name === type.name ? 'true' : undefined}
                onClick={() => setChosen(t.name)}
              >
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
        <Records
          key={type.name}
          type={type.name}
          keyField={type.keyField}
          schema={type.schema as Record<string, unknown>}
          projectId={projectId}
        />
        <NewType projectId={projectId} />
      </section>
    </div>
  );
}

const SCHEMA_STARTER = JSON.stringify(
  { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } }, required: ['id'] },
  null,
  2,
);

/** A new type: name, key field and its JSON Schema, checked as JSON while typed; the server checks the rest. */
function NewType({ projectId }: { projectId: string | null }) {
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [keyField, setKeyField] = useState('id');
  const [schema, setSchema] = useState(SCHEMA_STARTER);
  const parsed = parseJson(schema);
  const create = useMutation({
    mutationFn: () =>
      createBusinessObjectType({
        name,
        keyField,
        schema: ('value' in parsed ? parsed.value : {}) as never,
        ...(projectId ? { projectId } : {}),
      }),
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
        <textarea
          id="bt-schema"
          className="code"
          rows={8}
          value={schema}
          onChange={(e) => setSchema(e.target.value)}
          aria-invalid={'issue' in parsed}
        />
        {'issue' in parsed && (
          <p className="problems">
            {parsed.issue.path}: {parsed.issue.message}
          </p>
        )}
      </div>
      {create.isError && <RequestProblems error={create.error} />}
      <div className="actions">
        <button type="submit" disabled={!name.trim() || 'issue' in parsed || create.isPending}>
          Create type
        </button>
      </div>
    </form>
  );
}

/** A filter is a JSON object of values the records' data must contain; null when `text` is one (or empty), else what is wrong. */
export function filterProblem(text: string): string | null {
  if (!text.trim()) return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    // `name = Ada` is what people type first: offer its JSON form.
    const m = /^\s*([A-Za-z_][\w.-]*)\s*[=:]\s*(.+?)\s*$/.exec(text);
    const hint = m ? ` Did you mean ${addToFilter('', m[1]!, m[2]!.replace(/^(['"])(.*)\1$/, '$2'))}?` : '';
    return `A filter is a JSON object of field values, e.g. {"name": "Ada"}: this is not valid JSON (names and text values need double quotes).${hint}`;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    return 'A filter is a JSON object of field values, e.g. {"name": "Ada"}, not a single value or a list.';
  return null;
}

/** The filter text with `field` set to `value` (a number, true/false or null when it reads as one, else text). */
export function addToFilter(text: string, field: string, value: string): string {
  let base: Record<string, unknown> = {};
  try {
    const v = JSON.parse(text || '{}');
    if (v && typeof v === 'object' && !Array.isArray(v)) base = v as Record<string, unknown>;
  } catch {
    // A broken filter is replaced by the built one.
  }
  let typed: unknown = value;
  try {
    const j = JSON.parse(value);
    if (typeof j !== 'object' || j === null) typed = j;
  } catch {
    typed = value;
  }
  return JSON.stringify({ ...base, [field]: typed });
}

type RecordRow = { key: string; data: Record<string, unknown>; version: number; updatedAt: string };

function Records({
  type,
  keyField,
  schema,
  projectId,
}: {
  type: string;
  keyField: string;
  schema: Record<string, unknown>;
  projectId: string | null;
}) {
  const qc = useQueryClient();
  const [filter, setFilter] = useState('');
  const [applied, setApplied] = useState('');
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [editing, setEditing] = useState<RecordRow | 'new' | null>(null);
  const [confirmDialog, ask] = useConfirm();
  const fields = Object.keys((schema['properties'] as Record<string, unknown> | undefined) ?? {});
  const [field, setField] = useState(fields[0] ?? '');
  const [value, setValue] = useState('');
  const cursor = cursors.at(-1);
  const problem = filterProblem(filter);
  const q = useQuery({
    queryKey: ['bo', type, projectId, applied, cursor],
    queryFn: () => listBusinessObjects(type, { projectId: projectId ?? undefined, filter: applied || undefined, cursor }),
  });
  const remove = useMutation({
    mutationFn: (key: string) => deleteBusinessObject(type, key, projectId ?? undefined),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['bo', type] }),
  });
  return (
    <>
      {confirmDialog}
      <form
        className="filter-form"
        role="search"
        aria-label={`Filter records of ${type}`}
        onSubmit={(e) => {
          e.preventDefault();
          if (problem) return;
          setApplied(filter.trim());
          setCursors([undefined]);
        }}
      >
        <div className="inline-form">
          <label htmlFor="bo-filter">Filter</label>
          <input
            id="bo-filter"
            className="grow"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder='e.g. {"name": "Ada"}'
            aria-describedby="bo-filter-help"
            aria-invalid={!!problem}
          />
          <button type="submit" className="secondary" disabled={!!problem}>
            Apply
          </button>
        </div>
        <p className="help" id="bo-filter-help">
          Records whose data contain these values. A JSON object, e.g. <code>{'{"name": "Ada"}'}</code>; build one below.
        </p>
        {problem && (
          <p className="problems" role="alert">
            {problem}
          </p>
        )}
        {fields.length > 0 && (
          <div className="inline-form builder">
            <label htmlFor="bo-field">Field</label>
            <select id="bo-field" value={field} onChange={(e) => setField(e.target.value)}>
              {fields.map((f) => (
                <option key={f}>{f}</option>
              ))}
            </select>
            <label htmlFor="bo-value">equals</label>
            <input id="bo-value" value={value} onChange={(e) => setValue(e.target.value)} />
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setFilter(addToFilter(filter, field, value));
                setValue('');
              }}
            >
              Add to filter
            </button>
          </div>
        )}
      </form>
      {q.isPending && <Loading what="records" />}
      {q.isError && <RequestProblems error={q.error} />}
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
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((r) => (
                <tr key={r.key}>
                  <td>
                    <code>{r.key}</code>
                  </td>
                  <td>
                    <code className="small wrap">{JSON.stringify(r.data).slice(0, 160)}</code>
                  </td>
                  <td>{r.version}</td>
                  <td className="small">{when(r.updatedAt)}</td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="link small"
                      aria-label={`Edit record ${r.key}`}
                      onClick={() => setEditing(r as RecordRow)}
                    >
                      Edit
                    </button>{' '}
                    <button
                      type="button"
                      className="link small"
                      aria-label={`Delete record ${r.key}`}
                      onClick={async () => {
                        if (
                          await ask({
                            title: `Delete record ${r.key}?`,
                            body: <p>The record is removed from {type}. Workflows that read it will not find it.</p>,
                            confirm: 'Delete record',
                          })
                        )
                          remove.mutate(r.key);
                      }}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {remove.isError && <RequestProblems error={remove.error} />}
      <div className="actions left">
        <button type="button" className="secondary" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <button
          type="button"
          className="secondary"
          disabled={!q.data?.nextCursor}
          onClick={() => setCursors([...cursors, q.data!.nextCursor!])}
        >
          Next page
        </button>
        <button type="button" onClick={() => setEditing('new')} disabled={editing === 'new'}>
          Add record
        </button>
      </div>
      {editing && (
        <RecordForm
          key={editing === 'new' ? 'new' : editing.key}
          type={type}
          keyField={keyField}
          schema={schema}
          projectId={projectId}
          existing={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      )}
    </>
  );
}

/** A record as a form from its type's schema: a new one is created (409 when its key exists), an existing one replaced. */
function RecordForm({
  type,
  keyField,
  schema,
  projectId,
  existing,
  onDone,
}: {
  type: string;
  keyField: string;
  schema: Record<string, unknown>;
  projectId: string | null;
  existing: RecordRow | null;
  onDone(): void;
}) {
  const qc = useQueryClient();
  const [result, setResult] = useState(() => initialResult(schema, existing?.data ?? null));
  const save = useMutation({
    mutationFn: (data: Record<string, unknown>) =>
      existing
        ? putBusinessObject(type, existing.key, { ...data, [keyField]: existing.data[keyField] ?? existing.key }, projectId ?? undefined)
        : createBusinessObject(type, data, projectId ?? undefined),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['bo', type] });
      onDone();
    },
  });
  const title = existing ? `Edit record ${existing.key}` : `New ${type} record`;
  return (
    <form
      className="panel form"
      aria-label={title}
      onSubmit={(e) => {
        e.preventDefault();
        if ('input' in result) save.mutate(result.input);
      }}
    >
      <h3>{title}</h3>
      {existing && <p className="help">The key field ({keyField}) names the record and is not changed here.</p>}
      <InputForm schema={schema} initial={existing?.data ?? null} onChange={setResult} />
      {'problems' in result && (
        <ul className="problems" aria-live="polite">
          {result.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {save.isError && <RequestProblems error={save.error} />}
      <div className="actions">
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" disabled={'problems' in result || save.isPending}>
          {existing ? 'Save record' : 'Add record'}
        </button>
      </div>
    </form>
  );
}
