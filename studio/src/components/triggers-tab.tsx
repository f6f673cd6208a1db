/**
 * The workflow page's Triggers tab: the workflow's webhooks and Service Bus receivers. Create one
 * from a preset (GitHub, Stripe, Shopify, a token, Event Grid, Graph, Business Central, Entra
 * sign-in, Service Bus), copy its URL, rotate its secret, read its recent deliveries (status, the
 * run each started, why one was refused) and its failed verifications. Secrets are generated here
 * and shown once: the API never returns them.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import {
  createTrigger,
  deleteTrigger,
  listTriggerDeliveries,
  listTriggers,
  replaceTrigger,
  type TriggerBody,
  type TriggerView,
} from '../services/api';
import { useMissing } from '../state/capabilities';
import { when } from './format';
import { Empty, ErrorState, Loading, NotAvailable, RequestProblems } from './states';

type Preset = 'github' | 'stripe' | 'shopify' | 'token' | 'event-grid' | 'graph' | 'business-central' | 'entra' | 'service-bus';

const PRESETS: Array<[Preset, string]> = [
  ['github', 'GitHub (X-Hub-Signature-256)'],
  ['stripe', 'Stripe (Stripe-Signature, signed timestamp)'],
  ['shopify', 'Shopify (X-Shopify-Hmac-Sha256)'],
  ['token', 'Shared token in a header'],
  ['event-grid', 'Azure Event Grid / CloudEvents (token in the URL)'],
  ['graph', 'Microsoft Graph change notifications'],
  ['business-central', 'Business Central webhooks'],
  ['entra', 'Entra sign-in (an app calling with a token)'],
  ['service-bus', 'Service Bus queue or subscription'],
];

/** A new random secret: 32 bytes, base64url. */
export function newSecret(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function presetBody(preset: Preset, secret: string): TriggerBody {
  switch (preset) {
    case 'github':
      return {
        type: 'webhook',
        verification: { type: 'hmac', header: 'X-Hub-Signature-256', prefix: 'sha256=', encoding: 'hex', secret },
        deliveryIdHeader: 'X-GitHub-Delivery',
      };
    case 'stripe':
      return { type: 'webhook', verification: { type: 'stripe-style', secret } };
    case 'shopify':
      return {
        type: 'webhook',
        verification: { type: 'hmac', header: 'X-Shopify-Hmac-Sha256', encoding: 'base64', secret },
        deliveryIdHeader: 'X-Shopify-Webhook-Id',
      };
    case 'token':
      return { type: 'webhook', verification: { type: 'token', header: 'X-Webhook-Token', secret } };
    case 'event-grid':
      return { type: 'webhook', format: 'event-grid', verification: { type: 'token', query: 'code', secret } };
    case 'graph':
    case 'business-central':
      return { type: 'webhook', format: preset, verification: { type: 'client-state', secret } };
    case 'entra':
      return { type: 'webhook', verification: { type: 'entra' } };
    case 'service-bus':
      return { type: 'service-bus' };
  }
}

/** The body that replaces a trigger with the same settings and, when given, a new secret. */
export function bodyFromView(t: TriggerView, secret?: string): TriggerBody {
  const keep = <K extends keyof TriggerView>(...keys: K[]) =>
    Object.fromEntries(keys.filter((k) => t[k] !== undefined).map((k) => [k, t[k]]));
  if (t.type === 'service-bus') {
    return {
      type: 'service-bus',
      name: t.name,
      enabled: t.enabled,
      ...keep('queue', 'topic', 'subscription', 'maxDeliveryAttempts', 'input', 'filter'),
      ...(secret ? { connectionString: secret } : {}),
    } as TriggerBody;
  }
  const verification = Object.fromEntries(Object.entries(t.verification ?? { type: 'entra' }).filter(([, v]) => v !== undefined));
  return {
    type: 'webhook',
    name: t.name,
    enabled: t.enabled,
    ...keep('format', 'deliveryIdHeader', 'input', 'filter', 'respond', 'syncTimeoutSeconds', 'rateLimitPerMinute', 'maxBodyBytes'),
    verification: { ...verification, ...(secret ? { secret } : {}) },
  } as TriggerBody;
}

const needsSecret = (t: TriggerView) => t.type === 'webhook' && t.verification?.type !== 'entra';

function verificationText(t: TriggerView): string {
  if (t.type === 'service-bus') return t.queue ? `queue ${t.queue}` : `topic ${t.topic}, subscription ${t.subscription}`;
  const v = t.verification!;
  const where = v.header ? ` in ${v.header}` : v.query ? ` in ?${v.query}=` : '';
  return `${t.format ?? 'json'} · ${v.type}${where}`;
}

export function TriggersTab({ workflowId }: { workflowId: string }) {
  const { loading, missing } = useMissing([
    'GET /api/workflows/{id}/triggers',
    'POST /api/workflows/{id}/triggers',
    'PUT /api/workflows/{id}/triggers/{triggerId}',
  ]);
  if (loading) return <Loading what="triggers" />;
  if (missing.length) return <NotAvailable feature="Triggers" needs={missing} />;
  return <Triggers workflowId={workflowId} />;
}

function Triggers({ workflowId }: { workflowId: string }) {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['triggers', workflowId], queryFn: () => listTriggers(workflowId) });
  const [shown, setShown] = useState<{ name: string; secret: string } | null>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: ['triggers', workflowId] });
  const rotate = useMutation({
    mutationFn: async (t: TriggerView) => {
      const secret = newSecret();
      await replaceTrigger(workflowId, t.id, { ...bodyFromView(t, secret), secretOverlapSeconds: 3600 } as TriggerBody);
      return { name: t.name, secret };
    },
    onSuccess: (s) => {
      setShown(s);
      refresh();
    },
  });
  const remove = useMutation({ mutationFn: (id: string) => deleteTrigger(workflowId, id), onSuccess: refresh });
  return (
    <>
      {shown && (
        <div role="status" className="ok-line">
          New secret of <strong>{shown.name}</strong> (copy it now; it is not shown again): <code>{shown.secret}</code>{' '}
          <CopyButton text={shown.secret} label="Copy secret" />
        </div>
      )}
      {q.isPending && <Loading what="triggers" />}
      {q.isError && <ErrorState error={q.error} retry={() => void q.refetch()} />}
      {q.data && q.data.items.length === 0 && (
        <Empty title="No triggers: this workflow starts from the API, a schedule or the Run button." />
      )}
      {q.data && q.data.items.length > 0 && (
        <ul className="list">
          {q.data.items.map((t) => (
            <li key={t.id}>
              <strong>{t.name}</strong>{' '}
              <span className="muted small">
                {verificationText(t)}
                {t.enabled ? '' : ' · disabled'}
              </span>
              {t.url && (
                <div>
                  <code>{t.url}</code> <CopyButton text={t.url} label={`Copy URL of ${t.name}`} />
                </div>
              )}
              <div className="small">
                Failed verifications: {t.failedVerifications}
                {t.lastFailedVerificationAt ? ` (last ${when(t.lastFailedVerificationAt)})` : ''}
                {t.previousSecretValidUntil ? ` · previous secret valid until ${when(t.previousSecretValidUntil)}` : ''}
              </div>
              <div className="actions">
                {needsSecret(t) && (
                  <button
                    type="button"
                    className="link small"
                    aria-label={`Rotate secret of ${t.name}`}
                    onClick={() => rotate.mutate(t)}
                    disabled={rotate.isPending}
                  >
                    Rotate secret
                  </button>
                )}
                <button type="button" className="link small" aria-label={`Delete trigger ${t.name}`} onClick={() => remove.mutate(t.id)}>
                  Delete
                </button>
              </div>
              <Deliveries workflowId={workflowId} trigger={t} />
            </li>
          ))}
        </ul>
      )}
      {rotate.isError && <RequestProblems error={rotate.error} />}
      <NewTrigger
        workflowId={workflowId}
        onCreated={(s) => {
          setShown(s);
          refresh();
        }}
      />
    </>
  );
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="link small"
      aria-label={label}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(
          () => setDone(true),
          () => setDone(false),
        );
      }}
    >
      {done ? 'Copied' : 'Copy'}
    </button>
  );
}

function Deliveries({ workflowId, trigger }: { workflowId: string; trigger: TriggerView }) {
  const [open, setOpen] = useState(false);
  const q = useQuery({
    queryKey: ['trigger-deliveries', trigger.id],
    queryFn: () => listTriggerDeliveries(workflowId, trigger.id),
    enabled: open,
  });
  return (
    <div>
      <button
        type="button"
        className="link small"
        aria-expanded={open}
        aria-label={`Recent deliveries of ${trigger.name}`}
        onClick={() => setOpen(!open)}
      >
        Recent deliveries
      </button>
      {open && q.isPending && <Loading what="deliveries" />}
      {open && q.isError && <ErrorState error={q.error} retry={() => void q.refetch()} />}
      {open && q.data && q.data.items.length === 0 && <p className="muted small">Nothing delivered yet.</p>}
      {open && q.data && q.data.items.length > 0 && (
        <table className="small">
          <caption className="sr-only">Recent deliveries of {trigger.name}</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Outcome</th>
              <th scope="col">Status</th>
              <th scope="col">Run</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {q.data.items.map((d, i) => (
              <tr key={`${d.receivedAt}-${i}`}>
                <td>{when(d.receivedAt)}</td>
                <td>{d.outcome}</td>
                <td>{d.status}</td>
                <td>{d.runId ? <Link to={`/runs/${d.runId}`}>{d.runId.slice(0, 8)}</Link> : '—'}</td>
                <td>{d.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function NewTrigger({ workflowId, onCreated }: { workflowId: string; onCreated(s: { name: string; secret: string }): void }) {
  const [preset, setPreset] = useState<Preset>('github');
  const [name, setName] = useState('');
  const [secret, setSecret] = useState(newSecret);
  const [input, setInput] = useState('');
  const [filter, setFilter] = useState('');
  const [queue, setQueue] = useState('');
  const [topic, setTopic] = useState('');
  const [subscription, setSubscription] = useState('');
  const sb = preset === 'service-bus';
  const create = useMutation({
    mutationFn: () => {
      const base = presetBody(preset, secret) as Record<string, unknown>;
      const body = {
        ...base,
        ...(name ? { name } : {}),
        ...(input.trim() ? { input: input.trim() } : {}),
        ...(filter.trim() ? { filter: filter.trim() } : {}),
        ...(sb ? { connectionString: secret, ...(queue ? { queue } : { topic, subscription }) } : {}),
      } as TriggerBody;
      return createTrigger(workflowId, body);
    },
    onSuccess: (t) => {
      onCreated({
        name: t.name,
        secret: preset === 'entra' ? '(none: callers sign in)' : sb ? '(the connection string you entered)' : secret,
      });
      setSecret(newSecret());
      setName('');
    },
  });
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <h3>New trigger</h3>
      <div className="field">
        <label htmlFor="t-kind">Sender</label>
        <select
          id="t-kind"
          value={preset}
          onChange={(e) => {
            setPreset(e.target.value as Preset);
            if (e.target.value === 'service-bus') setSecret('');
            else if (!secret) setSecret(newSecret());
          }}
        >
          {PRESETS.map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="t-name">Name (optional)</label>
        <input id="t-name" value={name} onChange={(e) => setName(e.target.value)} />
      </div>
      {sb && (
        <>
          <div className="field">
            <label htmlFor="t-queue">Queue</label>
            <input id="t-queue" value={queue} onChange={(e) => setQueue(e.target.value)} aria-describedby="t-queue-help" />
            <p className="help" id="t-queue-help">
              Or leave empty and give a topic and subscription.
            </p>
          </div>
          <div className="field">
            <label htmlFor="t-topic">Topic</label>
            <input id="t-topic" value={topic} onChange={(e) => setTopic(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="t-sub">Subscription</label>
            <input id="t-sub" value={subscription} onChange={(e) => setSubscription(e.target.value)} />
          </div>
        </>
      )}
      {preset !== 'entra' && (
        <div className="field">
          <label htmlFor="t-secret">
            {sb ? 'Connection string (Listen)' : preset === 'graph' || preset === 'business-central' ? 'clientState' : 'Secret'}
          </label>
          <input
            id="t-secret"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            aria-describedby="t-secret-help"
            required
            autoComplete="off"
          />
          <p className="help" id="t-secret-help">
            {sb
              ? 'Stored encrypted; never shown again.'
              : 'Generated here; paste the sender’s own if it gives you one (Stripe does). Stored encrypted and never shown again: copy it now.'}
          </p>
        </div>
      )}
      <div className="field">
        <label htmlFor="t-input">Input mapping (optional)</label>
        <input
          id="t-input"
          value={input}
          onChange={(e) => setInput(e.target.value)}
          placeholder='{{ { "order": body.order } }}'
          aria-describedby="t-input-help"
        />
        <p className="help" id="t-input-help">
          JSONata over <code>{sb ? '{ body, applicationProperties, messageId, subject }' : '{ body, headers, query }'}</code>; default: the
          body.
        </p>
      </div>
      <div className="field">
        <label htmlFor="t-filter">Filter (optional)</label>
        <input id="t-filter" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder='body.action = "opened"' />
      </div>
      {create.isError && <RequestProblems error={create.error} />}
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          Add trigger
        </button>
      </div>
    </form>
  );
}
