/**
 * A form generated from a workflow's input schema (JSON Schema): a field per top-level property
 * of a simple type (string, number, integer, boolean, enum); anything else, or no schema, is
 * edited as JSON. The result is the run input object.
 */
import { useId, useState } from 'react';

type Schema = Record<string, unknown>;
interface Prop {
  name: string;
  type: 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'json';
  required: boolean;
  description?: string;
  options?: unknown[];
}

/** The fields of a schema, or null when it is not a flat object of simple types. */
export function fieldsOf(schema: Schema | undefined | null): Prop[] | null {
  if (!schema || schema['type'] !== 'object' || typeof schema['properties'] !== 'object') return null;
  const required = new Set((schema['required'] as string[] | undefined) ?? []);
  return Object.entries(schema['properties'] as Record<string, Schema>).map(([name, p]) => {
    const t = Array.isArray(p['enum']) ? 'enum' : (p['type'] as string);
    const type = (['string', 'number', 'integer', 'boolean', 'enum'].includes(t) ? t : 'json') as Prop['type'];
    return {
      name,
      type,
      required: required.has(name),
      ...(typeof p['description'] === 'string' ? { description: p['description'] } : {}),
      ...(type === 'enum' ? { options: p['enum'] as unknown[] } : {}),
    };
  });
}

function toText(v: unknown, type: Prop['type']): string {
  if (v === undefined || v === null) return '';
  if (type === 'json') return JSON.stringify(v, null, 2);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export interface InputFormProps {
  schema: Schema | undefined | null;
  initial: Record<string, unknown> | null;
  /** Called with the input, or with the problems that stop it from being one. */
  onChange(result: { input: Record<string, unknown> } | { problems: string[] }): void;
}

export function InputForm({ schema, initial, onChange }: InputFormProps) {
  const id = useId();
  const fields = fieldsOf(schema);
  const [values, setValues] = useState<Record<string, string | boolean>>(() =>
    Object.fromEntries(
      (fields ?? []).map((f) => [f.name, f.type === 'boolean' ? initial?.[f.name] === true : toText(initial?.[f.name], f.type)]),
    ),
  );
  const [raw, setRaw] = useState(() => JSON.stringify(initial ?? {}, null, 2));

  const compute = (vals: Record<string, string | boolean>) => {
    const input: Record<string, unknown> = {};
    const problems: string[] = [];
    for (const f of fields ?? []) {
      const v = vals[f.name];
      if (f.type === 'boolean') {
        input[f.name] = v === true;
        continue;
      }
      const text = String(v ?? '');
      if (text === '') {
        if (f.required) problems.push(`${f.name} is required`);
        continue;
      }
      if (f.type === 'number' || f.type === 'integer') {
        const n = Number(text);
        if (!Number.isFinite(n) || (f.type === 'integer' && !Number.isInteger(n)))
          problems.push(`${f.name} must be ${f.type === 'integer' ? 'a whole number' : 'a number'}`);
        else input[f.name] = n;
      } else if (f.type === 'json') {
        try {
          input[f.name] = JSON.parse(text);
        } catch {
          problems.push(`${f.name} is not valid JSON`);
        }
      } else if (f.type === 'enum') {
        input[f.name] = f.options?.find((o) => String(o) === text) ?? text;
      } else input[f.name] = text;
    }
    onChange(problems.length ? { problems } : { input });
  };

  if (!fields) {
    return (
      <div className="field">
        <label htmlFor={`${id}-raw`}>Input (JSON object)</label>
        <textarea
          id={`${id}-raw`}
          className="code"
          rows={8}
          value={raw}
          onChange={(e) => {
            setRaw(e.target.value);
            try {
              const v = JSON.parse(e.target.value || '{}');
              if (!v || typeof v !== 'object' || Array.isArray(v)) onChange({ problems: ['The input must be a JSON object'] });
              else onChange({ input: v });
            } catch (err) {
              onChange({ problems: [`Not valid JSON: ${(err as Error).message}`] });
            }
          }}
        />
      </div>
    );
  }
  if (!fields.length) return <p className="muted">This workflow takes no input.</p>;
  return (
    <>
      {fields.map((f) => {
        const fid = `${id}-${f.name}`;
        const set = (v: string | boolean) => {
          const next = { ...values, [f.name]: v };
          setValues(next);
          compute(next);
        };
        const describedBy = f.description ? `${fid}-help` : undefined;
        return (
          <div className="field" key={f.name}>
            <label htmlFor={fid}>
              {f.name}
              {f.required && <span aria-hidden="true"> *</span>}
              {f.required && <span className="sr-only"> (required)</span>}
            </label>
            {f.type === 'boolean' ? (
              <input
                id={fid}
                type="checkbox"
                checked={values[f.name] === true}
                onChange={(e) => set(e.target.checked)}
                aria-describedby={describedBy}
              />
            ) : f.type === 'enum' ? (
              <select id={fid} value={String(values[f.name] ?? '')} onChange={(e) => set(e.target.value)} aria-describedby={describedBy}>
                <option value="">—</option>
                {f.options!.map((o) => (
                  <option key={String(o)} value={String(o)}>
                    {String(o)}
                  </option>
                ))}
              </select>
            ) : f.type === 'json' ? (
              <textarea
                id={fid}
                className="code"
                rows={4}
                value={String(values[f.name] ?? '')}
                onChange={(e) => set(e.target.value)}
                aria-describedby={describedBy}
              />
            ) : (
              <input
                id={fid}
                type={f.type === 'string' ? 'text' : 'number'}
                step={f.type === 'integer' ? 1 : 'any'}
                value={String(values[f.name] ?? '')}
                required={f.required}
                onChange={(e) => set(e.target.value)}
                aria-describedby={describedBy}
              />
            )}
            {f.description && (
              <p className="help" id={`${fid}-help`}>
                {f.description}
              </p>
            )}
          </div>
        );
      })}
    </>
  );
}

/** The input a form starts with, before any edit: computed the same way as after one. */
export function initialResult(
  schema: Schema | undefined | null,
  initial: Record<string, unknown> | null,
): { input: Record<string, unknown> } | { problems: string[] } {
  const fields = fieldsOf(schema);
  if (!fields) return { input: initial ?? {} };
  const missing = fields.filter((f) => f.required && f.type !== 'boolean' && (initial?.[f.name] === undefined || initial[f.name] === ''));
  if (missing.length) return { problems: missing.map((f) => `${f.name} is required`) };
  const input: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.type === 'boolean') input[f.name] = initial?.[f.name] === true;
    else if (initial?.[f.name] !== undefined) input[f.name] = initial[f.name];
  }
  return { input };
}
