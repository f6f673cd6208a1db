/**
 * HQ → Model provider: which language model the assistant uses for this organisation — the
 * deployment's default, none, or its own Azure OpenAI / Anthropic / OpenAI-compatible endpoint.
 * The API key is write-only: the page shows only whether one is stored, and offers to keep,
 * replace or remove it (GET/PUT /api/hq/model-provider).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState, Loading, NotAvailable, RequestProblems } from '../../components/states';
import { when } from '../../components/format';
import { getModelProvider, putModelProvider, type ModelProviderBody, type ModelProviderView } from '../../services/api';
import { useMissing } from '../../state/capabilities';

type Provider = ModelProviderView['provider'];
type KeyAction = 'keep' | 'replace' | 'clear';

const PROVIDERS: ReadonlyArray<{ value: Provider; label: string }> = [
  { value: 'platform-default', label: 'Platform default' },
  { value: 'none', label: 'No model (answers quote passages)' },
  { value: 'azure-openai', label: 'Azure OpenAI' },
  { value: 'anthropic', label: 'Anthropic' },
  { value: 'openai-compatible', label: 'OpenAI-compatible' },
];
const OWN: ReadonlySet<Provider> = new Set(['azure-openai', 'anthropic', 'openai-compatible']);

interface Form {
  provider: Provider;
  endpoint: string;
  deployment: string;
  apiVersion: string;
  baseUrl: string;
  model: string;
  maxOutputTokens: string;
  keyAction: KeyAction;
  apiKey: string;
}

function formOf(v: ModelProviderView): Form {
  return {
    provider: v.provider,
    endpoint: v.endpoint ?? '',
    deployment: v.deployment ?? '',
    apiVersion: v.apiVersion ?? '2024-10-21',
    baseUrl: v.baseUrl ?? '',
    model: v.model ?? '',
    maxOutputTokens: v.maxOutputTokens === null ? '' : String(v.maxOutputTokens),
    keyAction: v.apiKeySet ? 'keep' : 'replace',
    apiKey: '',
  };
}

/**
 * The PUT body for the form. The key is sent only when typed; `null` removes it on purpose, or
 * when the provider changes without a new key (a key is never carried to another provider).
 */
export function bodyOf(f: Form, stored: { provider: Provider; apiKeySet: boolean }): ModelProviderBody {
  const max = f.maxOutputTokens.trim() === '' ? null : Number(f.maxOutputTokens);
  const typed = f.apiKey.trim();
  const key =
    f.keyAction === 'clear'
      ? { apiKey: null }
      : typed && f.keyAction === 'replace'
        ? { apiKey: typed }
        : stored.apiKeySet && stored.provider !== f.provider
          ? { apiKey: null }
          : {};
  switch (f.provider) {
    case 'platform-default':
    case 'none':
      return { provider: f.provider };
    case 'azure-openai':
      return {
        provider: 'azure-openai',
        endpoint: f.endpoint.trim(),
        deployment: f.deployment.trim(),
        apiVersion: f.apiVersion.trim(),
        maxOutputTokens: max,
        ...key,
      };
    case 'anthropic':
      return { provider: 'anthropic', model: f.model.trim(), baseUrl: f.baseUrl.trim() || null, maxOutputTokens: max, ...key };
    case 'openai-compatible':
      return { provider: 'openai-compatible', baseUrl: f.baseUrl.trim(), model: f.model.trim(), maxOutputTokens: max, ...key };
  }
}

function describeDefault(d: ModelProviderView['platformDefault']): string {
  if (d.provider === 'none') return 'no language model (answers quote the retrieved passages)';
  return [d.provider, d.model, d.baseUrlHost ? `at ${d.baseUrlHost}` : null].filter(Boolean).join(' ');
}

/** The "Model provider" section of /hq. */
export function ModelProviderSettings() {
  const { loading, missing } = useMissing(['GET /api/hq/model-provider', 'PUT /api/hq/model-provider']);
  const q = useQuery({ queryKey: ['hq-model-provider'], queryFn: getModelProvider, enabled: !loading && missing.length === 0 });
  return (
    <section className="panel" aria-labelledby="hq-model-provider-title">
      <h2 id="hq-model-provider-title">Model provider</h2>
      {loading ? (
        <Loading what="model provider settings" />
      ) : missing.length ? (
        <NotAvailable feature="Model provider settings" needs={missing} />
      ) : (
        <>
          {q.isPending && <Loading what="model provider settings" />}
          {q.isError && <ErrorState error={q.error} retry={() => void q.refetch()} />}
          {/* Keyed on updatedAt: a save (here or elsewhere) resets the form to what is stored. */}
          {q.data && <ProviderForm key={q.data.updatedAt ?? 'default'} view={q.data} />}
        </>
      )}
    </section>
  );
}

function ProviderForm({ view }: { view: ModelProviderView }) {
  const qc = useQueryClient();
  const [f, setF] = useState<Form>(() => formOf(view));
  const [saved, setSaved] = useState(false);
  const set = (patch: Partial<Form>) => {
    setSaved(false);
    setF((prev) => ({ ...prev, ...patch }));
  };
  const save = useMutation({
    mutationFn: () => putModelProvider(bodyOf(f, view)),
    onSuccess: (v) => {
      qc.setQueryData(['hq-model-provider'], v);
      setSaved(true);
    },
  });
  const own = OWN.has(f.provider);
  const field = (
    id: string,
    label: string,
    value: string,
    onChange: (v: string) => void,
    opts: { required?: boolean; help?: string; type?: string; placeholder?: string } = {},
  ) => (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={opts.type ?? 'text'}
        value={value}
        required={opts.required}
        placeholder={opts.placeholder}
        aria-describedby={opts.help ? `${id}-help` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {opts.help && (
        <p className="help" id={`${id}-help`}>
          {opts.help}
        </p>
      )}
    </div>
  );

  return (
    <form
      className="form"
      aria-labelledby="hq-model-provider-title"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <p className="muted">
        {view.provider === 'platform-default' ? 'This organisation uses the platform default: ' : 'The platform default is '}
        <strong>{describeDefault(view.platformDefault)}</strong>.
        {view.updatedAt && (
          <span className="small">
            {' '}
            Last changed by {view.updatedBy} {when(view.updatedAt)}.
          </span>
        )}
      </p>
      <div className="field">
        <label htmlFor="mp-provider">Provider</label>
        <select id="mp-provider" value={f.provider} onChange={(e) => set({ provider: e.target.value as Provider })}>
          {PROVIDERS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
      </div>

      {f.provider === 'azure-openai' && (
        <>
          {field('mp-endpoint', 'Endpoint', f.endpoint, (v) => set({ endpoint: v }), {
            required: true,
            type: 'url',
            placeholder: 'https://contoso.openai.azure.com',
          })}
          {field('mp-deployment', 'Deployment', f.deployment, (v) => set({ deployment: v }), { required: true })}
          {field('mp-api-version', 'API version', f.apiVersion, (v) => set({ apiVersion: v }), { required: true })}
        </>
      )}
      {f.provider === 'anthropic' && (
        <>
          {field('mp-model', 'Model', f.model, (v) => set({ model: v }), { required: true })}
          {field('mp-base-url', 'Base URL (optional)', f.baseUrl, (v) => set({ baseUrl: v }), {
            type: 'url',
            help: 'Leave empty for the Anthropic API.',
          })}
        </>
      )}
      {f.provider === 'openai-compatible' && (
        <>
          {field('mp-base-url', 'Base URL', f.baseUrl, (v) => set({ baseUrl: v }), {
            required: true,
            type: 'url',
            placeholder: 'https://llm.example.com/v1',
          })}
          {field('mp-model', 'Model', f.model, (v) => set({ model: v }), { required: true })}
        </>
      )}
      {own && (
        <>
          {field('mp-max-tokens', 'Max output tokens (optional)', f.maxOutputTokens, (v) => set({ maxOutputTokens: v }), {
            type: 'number',
            help: `16 to 32768. Empty: the platform's limit (${view.platformDefault.maxOutputTokens}).`,
          })}
          <KeyField f={f} set={set} stored={view.apiKeySet && view.provider === f.provider} />
        </>
      )}
      {!own && view.apiKeySet && <p className="help">Saving this choice removes the stored API key.</p>}

      <button type="submit" disabled={save.isPending}>
        {save.isPending ? 'Saving…' : 'Save model provider'}
      </button>
      <div aria-live="polite">{saved && !save.isPending && <p className="ok-line">Saved. The next question uses these settings.</p>}</div>
      {save.isError && <RequestProblems error={save.error} />}
    </form>
  );
}

/** The write-only key: its state, and keep / replace / remove when one is stored. */
function KeyField({ f, set, stored }: { f: Form; set: (p: Partial<Form>) => void; stored: boolean }) {
  if (!stored) {
    return (
      <div className="field">
        <label htmlFor="mp-api-key">API key{f.provider === 'openai-compatible' ? ' (optional)' : ''}</label>
        <input
          id="mp-api-key"
          type="password"
          autoComplete="off"
          value={f.apiKey}
          aria-describedby="mp-api-key-help"
          onChange={(e) => set({ apiKey: e.target.value, keyAction: 'replace' })}
        />
        <p className="help" id="mp-api-key-help">
          No key is stored. A key is encrypted, never shown again, and sent only to this endpoint.
        </p>
      </div>
    );
  }
  return (
    <fieldset className="field">
      <legend>API key</legend>
      <p className="help">A key is stored. It is never shown, and sent only to the endpoint it was entered for.</p>
      {(
        [
          ['keep', 'Keep the stored key'],
          ['replace', 'Replace it'],
          ['clear', 'Remove it'],
        ] as const
      ).map(([value, label]) => (
        <label key={value} className="field inline">
          <input
            type="radio"
            name="mp-key-action"
            value={value}
            checked={f.keyAction === value}
            onChange={() => set({ keyAction: value })}
          />{' '}
          {label}
        </label>
      ))}
      {f.keyAction === 'replace' && (
        <div className="field">
          <label htmlFor="mp-api-key">New API key</label>
          <input
            id="mp-api-key"
            type="password"
            autoComplete="off"
            required
            value={f.apiKey}
            onChange={(e) => set({ apiKey: e.target.value })}
          />
        </div>
      )}
    </fieldset>
  );
}
