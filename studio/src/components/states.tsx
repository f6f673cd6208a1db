/** Loading, empty, error and not-available states, the same on every page. */
import type { ReactNode } from 'react';
import { ApiError } from '../services/api';
import { problemText } from './problem-text';

export function Loading({ what }: { what: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty">
      <p className="state-title">{title}</p>
      {children}
    </div>
  );
}

export function ErrorState({ error, retry, what }: { error: unknown; retry?: () => void; what?: string }) {
  const e = error instanceof ApiError ? error : null;
  const text = problemText(error);
  const notFound = e?.status === 404 || e?.code === 'invalid_path_parameter';
  const title =
    e?.status === 0
      ? 'The control plane cannot be reached.'
      : notFound
        ? `${what ? `${what.charAt(0).toUpperCase()}${what.slice(1)}` : 'This'} was not found.`
        : 'Something went wrong.';
  return (
    <div className="state error" role="alert">
      <p className="state-title">{title}</p>
      <p>{text.message}</p>
      <TechnicalDetails error={e} />
      {retry && !notFound && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** The HTTP status and stable code, folded away: for support, not for reading. */
function TechnicalDetails({ error }: { error: ApiError | null }) {
  if (!error || error.status <= 0) return null;
  return (
    <details className="small muted">
      <summary>Details for support</summary>
      Status {error.status}, code <code>{error.code}</code>
    </details>
  );
}

/** Shown where this deployment's API lacks the operations a page needs. */
export function NotAvailable({ feature, needs }: { feature: string; needs: string[] }) {
  return (
    <div className="state unavailable" role="note">
      <p className="state-title">{feature} is not available in this deployment.</p>
      <p>The control plane here does not offer {needs.length === 1 ? 'the operation' : 'the operations'} it needs:</p>
      <ul>
        {needs.map((n) => (
          <li key={n}>
            <code>{n}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A failed request in words: a sentence and each field problem with its label (see problem-text.ts). */
export function RequestProblems({ error }: { error: Error }) {
  const e = error instanceof ApiError ? error : null;
  const text = problemText(error);
  return (
    <div role="alert" className="problems">
      <p>{text.message}</p>
      {text.issues.length > 0 && (
        <ul>
          {text.issues.map((i) => (
            <li key={i.field + i.message}>
              {i.field ? <strong>{i.field}: </strong> : null}
              {i.message}
            </li>
          ))}
        </ul>
      )}
      <TechnicalDetails error={e} />
    </div>
  );
}
