/**
 * A form generated from an operation's input schema (JSON Schema): nested objects as groups,
 * arrays as lists with "Add item" and "Remove item" buttons, enums as selects, booleans as
 * checkboxes, numbers and text as fields, anything the form cannot draw (a choice of shapes, no
 * type) as JSON. Required fields are marked, descriptions are help under the field.
 *
 * Every field can switch between a value and an expression (the "Expression" toggle, a pressed
 * button): an expression is a `{{ }}` template edited in the expression editor, loaded lazily.
 * Switching keeps the value: `5` becomes `{{ 5 }}` and back; text stays the same text; an
 * expression that is not a literal (`{{ steps.a.n }}`) is not turned into a value, the form says
 * so, and nothing is lost.
 *
 * The form holds no copy of the value: each edit calls `onChange` with the whole new value.
 */
import { createContext, useContext, useId, useRef, useState, type ReactNode } from 'react';
import type { ExpressionScope, JsonSchema, PreviewContext } from './expression-scope';
import { LazyExpressionEditor } from './lazy-expression-editor';

/** What expressions in the form can read, and the last run's data for previews. */
export interface ExpressionEnv {
  scope: ExpressionScope | null;
  previewContext: PreviewContext | null;
  /** Paths of text fields that hold one whole JSONata expression (platform `transform`'s `expression`): always the editor, in JSONata mode. */
  jsonataPaths?: readonly string[];
}
const Env = createContext<ExpressionEnv>({ scope: null, previewContext: null });

type Kind = 'object' | 'array' | 'enum' | 'boolean' | 'string' | 'number' | 'integer' | 'json';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeName(s: JsonSchema): string | undefined {
  const t = s['type'];
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return (t as unknown[]).find((x) => x !== 'null') as string | undefined;
  return undefined;
}

/** How the form draws a schema. */
export function kindOf(s: JsonSchema): Kind {
  if (Array.isArray(s['enum'])) return 'enum';
  const t = typeName(s);
  if (t === 'object' && isObject(s['properties'])) return 'object';
  if (t === 'array' && isObject(s['items'])) return 'array';
  if (t === 'boolean' || t === 'string' || t === 'number' || t === 'integer') return t;
  return 'json';
}

/** A new array item: the emptiest value of its kind. */
function emptyOf(s: JsonSchema): unknown {
  switch (kindOf(s)) {
    case 'object':
      return {};
    case 'array':
      return [];
    case 'enum':
      return (s['enum'] as unknown[])[0] ?? null;
    case 'boolean':
      return false;
    case 'string':
      return '';
    case 'number':
    case 'integer':
      return 0;
    default:
      return null;
  }
}

const WHOLE = /^\s*\{\{([\s\S]*?)\}\}\s*$/;

/** True when a field's value is an expression rather than a value of its kind. */
export function isExpression(value: unknown, kind: Kind): boolean {
  return typeof value === 'string' && (value.includes('{{') || (kind !== 'string' && kind !== 'enum' && kind !== 'json'));
}

/** The expression text a value becomes: text as it is, anything else as a `{{ literal }}`. */
export function toExpression(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : `{{ ${JSON.stringify(value)} }}`;
}

/** The value an expression text stands for, when it is one: `{{ 5 }}` → 5, text → itself; else null. */
export function fromExpression(text: string, kind: Kind): { value: unknown } | null {
  if (text.trim() === '') return { value: undefined };
  const whole = WHOLE.exec(text);
  const literal = whole ? whole[1]! : kind === 'string' || kind === 'enum' ? null : text;
  if (literal !== null) {
    try {
      const v: unknown = JSON.parse(literal);
      if (fits(v, kind)) return { value: v };
    } catch {
      // Not a JSON literal: an expression.
    }
  }
  // Text is a value of a text field as it stands (the server still fills in its `{{ }}` parts).
  if (kind === 'string' || (kind === 'enum' && !text.includes('{{'))) return { value: text };
  return null;
}

function fits(v: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'object':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number';
    case 'integer':
      return Number.isInteger(v);
    default:
      return true;
  }
}

export interface SchemaFormProps extends ExpressionEnv {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange(value: Record<string, unknown>): void;
}

/** The fields of an object schema; null when the schema is not an object with properties (the caller edits JSON). */
export function SchemaForm({ schema, value, onChange, scope, previewContext, jsonataPaths = [] }: SchemaFormProps) {
  const id = useId();
  if (kindOf(schema) !== 'object') return null;
  return (
    <Env.Provider value={{ scope, previewContext, jsonataPaths }}>
      <ObjectFields schema={schema} value={value} onChange={(v) => onChange(v ?? {})} path="" idBase={id} />
    </Env.Provider>
  );
}

function ObjectFields({
  schema,
  value,
  onChange,
  path,
  idBase,
}: {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange(v: Record<string, unknown>): void;
  path: string;
  idBase: string;
}) {
  const required = new Set((schema['required'] as string[] | undefined) ?? []);
  const props = Object.entries(schema['properties'] as Record<string, JsonSchema>).filter(([, p]) => isObject(p));
  return (
    <>
      {props.map(([name, p]) => (
        <Field
          key={name}
          schema={p}
          label={name}
          path={path ? `${path}.${name}` : name}
          idBase={idBase}
          required={required.has(name)}
          value={value[name]}
          onChange={(v) => {
            const next = { ...value };
            if (v === undefined) delete next[name];
            else next[name] = v;
            onChange(next);
          }}
        />
      ))}
    </>
  );
}

interface FieldProps {
  schema: JsonSchema;
  label: string;
  /** Dotted path of the field in the input (`query.filters[0].name`): names the controls. */
  path: string;
  idBase: string;
  required: boolean;
  value: unknown;
  onChange(v: unknown): void;
  /** Extra controls beside the label (an array item's Remove button). */
  extra?: ReactNode;
}

function Label({ htmlFor, id, label, required }: { htmlFor?: string; id: string; label: string; required: boolean }) {
  const body = (
    <>
      {label}
      {required && <span aria-hidden="true"> *</span>}
      {required && <span className="sr-only"> (required)</span>}
    </>
  );
  return htmlFor ? (
    <label htmlFor={htmlFor} id={id}>
      {body}
    </label>
  ) : (
    <span className="label" id={id}>
      {body}
    </span>
  );
}

function Field(props: FieldProps) {
  const { schema, label, path, idBase, required, value, onChange, extra } = props;
  const env = useContext(Env);
  const kind = kindOf(schema);
  const fid = `${idBase}-${path.replace(/[^\w-]/g, '_')}`;
  const [expr, setExpr] = useState(() => isExpression(value, kind));
  const [note, setNote] = useState<string | null>(null);
  const description = typeof schema['description'] === 'string' ? schema['description'] : null;
  const helpId = description ? `${fid}-help` : undefined;

  const toggle = () => {
    if (!expr) {
      setExpr(true);
      setNote(null);
      if (value !== undefined) onChange(toExpression(value));
      return;
    }
    const back = fromExpression(typeof value === 'string' ? value : '', kind);
    if (!back) {
      setNote('This expression is not a plain value: clear it or make it a literal such as {{ 5 }} before switching to a value.');
      return;
    }
    setNote(null);
    setExpr(false);
    onChange(back.value);
  };
  const toggleButton = (
    <button
      type="button"
      className="secondary small-button expr-toggle"
      aria-pressed={expr}
      aria-label={`Expression for ${path}`}
      title={expr ? 'Switch to a value' : 'Switch to an expression'}
      onClick={toggle}
    >
      {'{{ }}'}
    </button>
  );

  const header = (htmlFor?: string) => (
    <div className="field-head">
      <Label htmlFor={htmlFor} id={`${fid}-label`} label={label} required={required} />
      {toggleButton}
      {extra}
    </div>
  );
  const help = (
    <>
      {description && (
        <p className="help" id={helpId}>
          {description}
        </p>
      )}
      {note && (
        <p className="problems" role="alert">
          {note}
        </p>
      )}
    </>
  );

  if (kind === 'string' && env.jsonataPaths?.includes(path)) {
    return (
      <div className="field schema-field">
        <div className="field-head">
          <Label id={`${fid}-label`} label={`${label} (JSONata)`} required={required} />
          {extra}
        </div>
        <LazyExpressionEditor
          value={typeof value === 'string' ? value : ''}
          onChange={(t) => onChange(t === '' ? undefined : t)}
          mode="jsonata"
          labelledBy={`${fid}-label`}
          describedBy={helpId}
          scope={env.scope}
          previewContext={env.previewContext}
          multiline
        />
        {help}
      </div>
    );
  }

  if (expr) {
    return (
      <div className="field schema-field">
        {header()}
        <LazyExpressionEditor
          value={typeof value === 'string' ? value : toExpression(value)}
          onChange={(t) => onChange(t === '' ? undefined : t)}
          mode="template"
          labelledBy={`${fid}-label`}
          describedBy={helpId}
          scope={env.scope}
          previewContext={env.previewContext}
          multiline={kind === 'object' || kind === 'array' || kind === 'json'}
          placeholder="{{ steps.previous.value }}"
        />
        {help}
      </div>
    );
  }

  if (kind === 'object' || kind === 'array') {
    // Objects and arrays are a group: the label, toggle and extras in its legend, then its fields.
    return (
      <fieldset className="group schema-group" aria-describedby={helpId}>
        <legend>
          <span className="field-head">
            <Label id={`${fid}-label`} label={label} required={required} />
            {toggleButton}
            {extra}
          </span>
        </legend>
        {help}
        {kind === 'object' ? (
          <ObjectFields schema={schema} value={isObject(value) ? value : {}} onChange={onChange} path={path} idBase={idBase} />
        ) : (
          <ArrayItems
            schema={schema['items'] as JsonSchema}
            value={Array.isArray(value) ? value : []}
            onChange={onChange}
            path={path}
            idBase={idBase}
          />
        )}
      </fieldset>
    );
  }
  return (
    <div className="field schema-field">
      {header(fid)}
      <Literal kind={kind} schema={schema} fid={fid} required={required} helpId={helpId} value={value} onChange={onChange} />
      {help}
    </div>
  );
}

function ArrayItems({
  schema,
  value,
  onChange,
  path,
  idBase,
}: {
  schema: JsonSchema;
  value: unknown[];
  onChange(v: unknown[]): void;
  path: string;
  idBase: string;
}) {
  // Stable keys per item, so removing one keeps the others' fields (and their typing) in place.
  const next = useRef(0);
  const [keys, setKeys] = useState<number[]>(() => value.map(() => next.current++));
  let shown = keys;
  if (keys.length !== value.length) {
    shown = value.map((_, i) => keys[i] ?? next.current++);
    setKeys(shown);
  }
  const addRef = useRef<HTMLButtonElement>(null);
  return (
    <>
      {value.length === 0 && <p className="help">No items.</p>}
      <ol className="schema-items">
        {value.map((item, i) => (
          <li key={shown[i]}>
            <Field
              schema={schema}
              label={`Item ${i + 1}`}
              path={`${path}[${i}]`}
              idBase={idBase}
              required={false}
              value={item}
              onChange={(v) => onChange(value.map((x, j) => (j === i ? (v === undefined ? null : v) : x)))}
              extra={
                <button
                  type="button"
                  className="secondary small-button"
                  aria-label={`Remove ${path}[${i}]`}
                  onClick={() => {
                    setKeys(shown.filter((_, j) => j !== i));
                    onChange(value.filter((_, j) => j !== i));
                    addRef.current?.focus();
                  }}
                >
                  Remove
                </button>
              }
            />
          </li>
        ))}
      </ol>
      <button
        ref={addRef}
        type="button"
        className="secondary small-button"
        aria-label={`Add an item to ${path}`}
        onClick={() => {
          setKeys([...shown, next.current++]);
          onChange([...value, emptyOf(schema)]);
        }}
      >
        Add item
      </button>
    </>
  );
}

function Literal({
  kind,
  schema,
  fid,
  required,
  helpId,
  value,
  onChange,
}: {
  kind: Kind;
  schema: JsonSchema;
  fid: string;
  required: boolean;
  helpId: string | undefined;
  value: unknown;
  onChange(v: unknown): void;
}) {
  // Numbers and JSON keep their own text while it is not (yet) a value.
  const [text, setText] = useState(() =>
    value === undefined ? '' : kind === 'json' ? JSON.stringify(value, null, 2) : typeof value === 'string' ? value : JSON.stringify(value),
  );
  const [problem, setProblem] = useState<string | null>(null);
  const problemId = `${fid}-problem`;
  const describedBy = [helpId, problem ? problemId : null].filter(Boolean).join(' ') || undefined;
  const problemText = problem && (
    <p className="problems" id={problemId}>
      {problem}
    </p>
  );

  if (kind === 'boolean')
    return (
      <input
        id={fid}
        type="checkbox"
        checked={value === true}
        onChange={(e) => onChange(e.target.checked)}
        aria-describedby={describedBy}
      />
    );
  if (kind === 'enum') {
    const options = schema['enum'] as unknown[];
    const at = options.findIndex((o) => JSON.stringify(o) === JSON.stringify(value));
    return (
      <select
        id={fid}
        value={at < 0 ? '' : String(at)}
        required={required}
        onChange={(e) => onChange(e.target.value === '' ? undefined : options[Number(e.target.value)])}
        aria-describedby={describedBy}
      >
        <option value="">—</option>
        {options.map((o, i) => (
          <option key={JSON.stringify(o)} value={String(i)}>
            {typeof o === 'string' ? o : JSON.stringify(o)}
          </option>
        ))}
      </select>
    );
  }
  if (kind === 'json')
    return (
      <>
        <textarea
          id={fid}
          className="code"
          rows={4}
          value={text}
          aria-invalid={problem ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value.trim() === '') {
              setProblem(null);
              return onChange(undefined);
            }
            try {
              onChange(JSON.parse(e.target.value));
              setProblem(null);
            } catch (err) {
              setProblem(`Not valid JSON: ${(err as Error).message}`);
            }
          }}
        />
        {problemText}
      </>
    );
  if (kind === 'number' || kind === 'integer')
    return (
      <>
        <input
          id={fid}
          type="number"
          step={kind === 'integer' ? 1 : 'any'}
          value={text}
          required={required}
          aria-invalid={problem ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value === '') {
              setProblem(null);
              return onChange(undefined);
            }
            const n = Number(e.target.value);
            if (!Number.isFinite(n) || (kind === 'integer' && !Number.isInteger(n)))
              setProblem(kind === 'integer' ? 'A whole number, please.' : 'A number, please.');
            else {
              setProblem(null);
              onChange(n);
            }
          }}
        />
        {problemText}
      </>
    );
  return (
    <input
      id={fid}
      value={typeof value === 'string' ? value : text}
      required={required}
      aria-describedby={describedBy}
      onChange={(e) => {
        setText(e.target.value);
        onChange(e.target.value === '' ? undefined : e.target.value);
      }}
    />
  );
}
