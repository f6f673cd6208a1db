/** Loading, empty, error and not-available states, the same on every page. */
import type { ReactNode } from 'react';
import { ApiError } from '../services/api';

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

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const e = error instanceof ApiError ? error : null;
  return (
    <div className="state error" role="alert">
      <p className="state-title">{e?.status === 0 ? 'The control plane cannot be reached.' : 'Something went wrong.'}</p>
      <p>{error instanceof Error ? error.message : String(error)}</p>
      {e && e.code && <p className="muted">Code: {e.code}</p>}
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
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

/** A failed request's message, each field error with its path, and the problem's stable code. */
export function RequestProblems({ error }: { error: Error }) {
  const e = error instanceof ApiError ? error : null;
  return (
    <div role="alert" className="problems">
      <p>{error.message}</p>
      {e?.issues.map((i) => (
        <p key={i.path + i.message}>
          <code>{i.path}</code>: {i.message}
        </p>
      ))}
      {e && e.status > 0 && (
        <p className="small">
          HTTP {e.status}, code <code>{e.code}</code>
        </p>
      )}
    </div>
  );
}
