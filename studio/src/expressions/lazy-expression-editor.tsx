/**
 * The expression editor, loaded on first use: CodeMirror and JSONata are a chunk of their own
 * (about 130 KB gzip, docs/studio.md), fetched only when a task panel shows an expression, so the
 * main chunk stays under its bound. Until the chunk arrives — or if it cannot be fetched — a plain
 * text field edits the same text, so nothing typed is lost. Where the browser cannot measure text
 * ranges (`Range.getClientRects`, which CodeMirror positions its cursor with; every current
 * browser has it, jsdom does not) the plain field stays.
 */
import { Component, lazy, Suspense, type ReactNode } from 'react';
import type { ExpressionEditorProps } from './expression-editor';

const ExpressionEditor = lazy(() => import('./expression-editor'));

class LoadBoundary extends Component<{ fallback: ReactNode; children: ReactNode }, { failed: boolean }> {
  state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

function PlainField({ value, onChange, onCommit, labelledBy, describedBy, multiline, placeholder }: ExpressionEditorProps) {
  const common = {
    className: 'code',
    value,
    'aria-labelledby': labelledBy,
    'aria-describedby': describedBy,
    placeholder,
    onChange: (e: { target: { value: string } }) => onChange(e.target.value),
    onBlur: (e: { target: { value: string } }) => onCommit?.(e.target.value),
  };
  return multiline ? <textarea rows={3} {...common} /> : <input {...common} />;
}

/** False where CodeMirror cannot run: callers get the plain field. */
export const expressionEditorSupported = () => typeof Range !== 'undefined' && typeof Range.prototype.getClientRects === 'function';

export function LazyExpressionEditor(props: ExpressionEditorProps) {
  if (!expressionEditorSupported()) return <PlainField {...props} />;
  return (
    <LoadBoundary fallback={<PlainField {...props} />}>
      <Suspense fallback={<PlainField {...props} />}>
        <ExpressionEditor {...props} />
      </Suspense>
    </LoadBoundary>
  );
}
