/**
 * A connector's settings and secrets as a form, generated from the adapter catalogue's connection
 * schema (`GET /api/adapters`): nested objects as groups of fields, a choice between shapes
 * (`oneOf` told apart by a `type` constant, e.g. Business Central `auth`) as a list that shows
 * only the chosen shape's fields, and only the secrets the chosen auth type uses. Labels are
 * words, not key names. Secrets are write-only: a stored one shows as stored and is kept unless
 * replaced, and must be entered again when the host changes.
 */
import { useId, type ReactNode } from 'react';
import { labelOf } from './problem-text';

/** The part of JSON Schema the catalogue's connection schemas use. */
export interface Schema {
  type?: string;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  oneOf?: Schema[];
}

/** Raw form values: strings as typed, nested by setting. */
export type Raw = { [key: string]: string | Raw };

/** Words for the auth types and other shape constants. */
const CHOICE_LABEL: Record<string, string> = {
  none: 'None',
  basic: 'User name and password',
  bearer: 'Bearer token',
  'api-key': 'API key in a header',
  'oauth2-client-credentials': 'OAuth 2.0 client credentials (e.g. Microsoft Entra ID)',
};

/** The settings and secrets parts of an adapter's connection schema. */
export function connectionParts(connectionSchema: unknown): { settings: Schema; secrets: Schema } {
  const props = ((connectionSchema ?? {}) as Schema).properties ?? {};
  return { settings: props['settings'] ?? {}, secrets: props['secrets'] ?? {} };
}

const constOf = (variant: Schema): string | undefined => {
  const c = variant.properties?.['type']?.const;
  return typeof c === 'string' ? c : undefined;
};

/** The variant of a `oneOf` the raw value chose (its `type`), else the default's, else the first. */
function chosenVariant(schema: Schema, raw: Raw | string | undefined): Schema | undefined {
  const variants = schema.oneOf ?? [];
  const picked =
    typeof raw === 'object' && typeof raw['type'] === 'string' ? raw['type'] : (schema.default as { type?: string } | undefined)?.type;
  return variants.find((v) => constOf(v) === picked) ?? variants[0];
}

/**
 * The secrets the chosen settings use. A shape's description names its secrets as
 * `secrets.<name>` (the adapters' convention); a secret no shape names is always shown.
 */
export function visibleSecrets(settings: Schema, secrets: Schema, raw: Raw): string[] {
  const all = Object.keys(secrets.properties ?? {});
  const named = new Set<string>();
  const used = new Set<string>();
  for (const [key, prop] of Object.entries(settings.properties ?? {})) {
    if (!prop.oneOf) continue;
    for (const v of prop.oneOf) for (const m of (v.description ?? '').matchAll(/secrets\.(\w+)/g)) named.add(m[1]!);
    const chosen = chosenVariant(prop, raw[key]);
    for (const m of (chosen?.description ?? '').matchAll(/secrets\.(\w+)/g)) used.add(m[1]!);
  }
  return all.filter((s) => !named.has(s) || used.has(s));
}

/** Raw form values from stored settings. */
export function toRaw(value: unknown): Raw {
  const out: Raw = {};
  for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) out[k] = toRaw(v);
    else if (v !== null && v !== undefined) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

/** Typed settings from raw values, by the schema: numbers, yes/no, nested shapes; empty values left out. */
export function fromRaw(schema: Schema, raw: Raw): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const v = raw[key];
    if (v === undefined) continue;
    if (prop.oneOf) {
      const variant = chosenVariant(prop, v);
      if (variant && typeof v === 'object') out[key] = fromRaw(variant, v);
    } else if (prop.properties) {
      if (typeof v === 'object') {
        const inner = fromRaw(prop, v);
        if (Object.keys(inner).length) out[key] = inner;
      }
    } else if (typeof v === 'string' && v !== '') {
      out[key] = prop.type === 'integer' || prop.type === 'number' ? Number(v) : prop.type === 'boolean' ? v === 'true' : v;
    }
  }
  return out;
}

/** Where a connector connects, from its settings: `host[:port]` or a URL's host, and the database. */
export function whereItConnects(settings: Record<string, unknown>): string | null {
  const parts: string[] = [];
  if (typeof settings['host'] === 'string')
    parts.push(`${settings['host']}${settings['port'] !== undefined ? `:${String(settings['port'])}` : ''}`);
  else {
    for (const [k, v] of Object.entries(settings)) {
      if (!/url$/i.test(k) || typeof v !== 'string') continue;
      try {
        parts.push(new URL(v).host);
        break;
      } catch {
        // Not a URL: nothing to show for it.
      }
    }
  }
  if (typeof settings['database'] === 'string') parts.push(`database ${settings['database']}`);
  return parts.length ? parts.join(' · ') : null;
}

/** The hosts the settings name (`host`, and any `…url` setting), as the server checks them. */
export function hostsOf(settings: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(settings)) {
    if (typeof v !== 'string' || !v) continue;
    if (k === 'host') out.push(v);
    else if (/url$/i.test(k)) {
      try {
        out.push(new URL(v).hostname);
      } catch {
        out.push(v);
      }
    }
  }
  return out.sort();
}

interface FieldsProps {
  schema: Schema;
  raw: Raw;
  onChange(next: Raw): void;
  /** Prefix for ids, unique per form. */
  idPrefix: string;
}

/** The settings of a schema as fields; nested objects and shape choices as groups. */
export function SettingsFields({ schema, raw, onChange, idPrefix }: FieldsProps): ReactNode {
  const required = new Set(schema.required ?? []);
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([key, prop]) => {
        const id = `${idPrefix}-${key}`;
        const value = raw[key];
        if (prop.oneOf) {
          const variant = chosenVariant(prop, value);
          const inner = typeof value === 'object' ? value : { type: constOf(variant ?? {}) ?? '' };
          return (
            <fieldset key={key} className="group">
              <legend>{labelOf(key)}</legend>
              <div className="field">
                <label htmlFor={`${id}-type`}>{labelOf(key)} type</label>
                <select
                  id={`${id}-type`}
                  value={String(inner['type'] ?? '')}
                  onChange={(e) => onChange({ ...raw, [key]: { type: e.target.value } })}
                >
                  {(prop.oneOf ?? []).map((v) => {
                    const c = constOf(v) ?? '';
                    return (
                      <option key={c} value={c}>
                        {CHOICE_LABEL[c] ?? labelOf(c)}
                      </option>
                    );
                  })}
                </select>
              </div>
              {variant && (
                <SettingsFields
                  schema={{
                    ...variant,
                    properties: Object.fromEntries(Object.entries(variant.properties ?? {}).filter(([k]) => k !== 'type')),
                  }}
                  raw={inner}
                  onChange={(next) => onChange({ ...raw, [key]: { ...next, type: String(inner['type'] ?? '') } })}
                  idPrefix={id}
                />
              )}
            </fieldset>
          );
        }
        if (prop.properties) {
          return (
            <fieldset key={key} className="group">
              <legend>{labelOf(key)}</legend>
              {prop.description && <p className="help">{prop.description}</p>}
              <SettingsFields
                schema={prop}
                raw={typeof value === 'object' ? value : {}}
                onChange={(next) => onChange({ ...raw, [key]: next })}
                idPrefix={id}
              />
            </fieldset>
          );
        }
        return (
          <Field
            key={key}
            id={id}
            label={labelOf(key)}
            prop={prop}
            required={required.has(key) && prop.default === undefined}
            value={typeof value === 'string' ? value : ''}
            onChange={(v) => onChange({ ...raw, [key]: v })}
          />
        );
      })}
    </>
  );
}

function Field({
  id,
  label,
  prop,
  required,
  value,
  onChange,
}: {
  id: string;
  label: string;
  prop: Schema;
  required: boolean;
  value: string;
  onChange(v: string): void;
}) {
  const helpId = `${id}-help`;
  const help = prop.description ?? (prop.default !== undefined ? `Default: ${String(prop.default)}.` : undefined);
  const common = {
    id,
    value,
    'aria-describedby': help ? helpId : undefined,
    onChange: (e: { target: { value: string } }) => onChange(e.target.value),
  };
  const blank = prop.default !== undefined ? `default (${String(prop.default)})` : '—';
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required ? ' (required)' : ''}
      </label>
      {prop.enum ? (
        <select {...common}>
          <option value="">{blank}</option>
          {prop.enum.map((o) => (
            <option key={String(o)} value={String(o)}>
              {String(o)}
            </option>
          ))}
        </select>
      ) : prop.type === 'boolean' ? (
        <select {...common}>
          <option value="">{blank}</option>
          <option value="true">yes</option>
          <option value="false">no</option>
        </select>
      ) : (
        <input
          {...common}
          type={prop.type === 'number' || prop.type === 'integer' ? 'number' : prop.format === 'uri' ? 'url' : 'text'}
          placeholder={prop.default !== undefined ? String(prop.default) : undefined}
          required={required}
        />
      )}
      {help && (
        <p className="help" id={helpId}>
          {help}
        </p>
      )}
    </div>
  );
}

/** Write-only secret fields: only those the chosen settings use; a stored one says so and is kept unless replaced. */
export function SecretFields({
  names,
  stored,
  mustReenter,
  values,
  onChange,
}: {
  names: string[];
  stored: readonly string[];
  mustReenter: boolean;
  values: Record<string, string>;
  onChange(next: Record<string, string>): void;
}) {
  const prefix = useId();
  return (
    <>
      {names.map((n) => {
        const id = `${prefix}-${n}`;
        const isStored = stored.includes(n);
        return (
          <div className="field" key={n}>
            <label htmlFor={id}>
              {labelOf(n)} (secret){mustReenter && isStored ? ' (required: the host changed)' : ''}
            </label>
            <input
              id={id}
              type="password"
              autoComplete="new-password"
              value={values[n] ?? ''}
              onChange={(e) => onChange({ ...values, [n]: e.target.value })}
              required={mustReenter && isStored}
              aria-describedby={`${id}-help`}
            />
            <p className="help" id={`${id}-help`}>
              {isStored && !mustReenter
                ? 'Stored. Leave empty to keep it; type to replace it. It is never shown.'
                : 'Write-only: stored encrypted and never shown again.'}
            </p>
          </div>
        );
      })}
    </>
  );
}
