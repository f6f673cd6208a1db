/**
 * The one way the studio asks before something that cannot be undone (delete a schedule, revoke
 * a key, cancel a run, leave unsaved changes): a modal alert dialog naming what will happen, with
 * the safe choice focused first. `useConfirm` gives a promise-returning `ask` and the element to render.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';

export interface ConfirmOptions {
  title: string;
  body?: ReactNode;
  /** The label of the button that goes ahead, e.g. "Delete schedule". */
  confirm: string;
  /** The label of the safe choice; "Keep" unless given. */
  cancel?: string;
}

export function ConfirmDialog({ title, body, confirm, cancel = 'Keep', onAnswer }: ConfirmOptions & { onAnswer(yes: boolean): void }) {
  const panel = useRef<HTMLDivElement>(null);
  const opener = useRef<Element | null>(typeof document === 'undefined' ? null : document.activeElement);
  useEffect(() => {
    panel.current?.querySelector<HTMLElement>('button.secondary')?.focus();
    const back = opener.current;
    const onEscape = (e: KeyboardEvent) => e.key === 'Escape' && onAnswer(false);
    document.addEventListener('keydown', onEscape);
    return () => {
      document.removeEventListener('keydown', onEscape);
      (back as HTMLElement | null)?.focus?.();
    };
  }, [onAnswer]);
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key !== 'Tab' || !panel.current) return;
    // Two buttons: Tab moves between them and never leaves the dialog.
    const items = [...panel.current.querySelectorAll<HTMLElement>('button')];
    const i = items.indexOf(document.activeElement as HTMLElement);
    e.preventDefault();
    items[(i + (e.shiftKey ? items.length - 1 : 1)) % items.length]?.focus();
  };
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onAnswer(false)}>
      <div
        className="dialog confirm"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        aria-describedby="confirm-body"
        ref={panel}
        onKeyDown={onKey}
      >
        <h2 id="confirm-title">{title}</h2>
        <div id="confirm-body">{body}</div>
        <div className="actions">
          <button type="button" className="secondary" onClick={() => onAnswer(false)}>
            {cancel}
          </button>
          <button type="button" className="danger" onClick={() => onAnswer(true)}>
            {confirm}
          </button>
        </div>
      </div>
    </div>
  );
}

/** `[dialog, ask]`: render `dialog` anywhere in the component; `await ask({...})` is true when confirmed. */
export function useConfirm(): [ReactNode, (o: ConfirmOptions) => Promise<boolean>] {
  const [open, setOpen] = useState<(ConfirmOptions & { resolve(yes: boolean): void }) | null>(null);
  const ask = useCallback((o: ConfirmOptions) => new Promise<boolean>((resolve) => setOpen({ ...o, resolve })), []);
  const onAnswer = useCallback((yes: boolean) => {
    setOpen((cur) => {
      cur?.resolve(yes);
      return null;
    });
  }, []);
  return [open ? <ConfirmDialog {...open} onAnswer={onAnswer} /> : null, ask];
}
