/**
 * The expression editor (CodeMirror 6) for JSONata fields and `{{ }}` template fields:
 * highlighting, parse errors marked in the text and listed under it (from the `jsonata` package
 * the server uses), completion of `input.*`, `steps.<key>.*` and `run.id` from the task's scope
 * (expression-scope.ts), and a preview of the value against the last run's data.
 *
 * This module and everything it imports (CodeMirror, JSONata) is the editor's own chunk, loaded
 * by lazy-expression-editor.tsx the first time a task panel shows an expression.
 *
 * Keyboard: Tab and Shift+Tab leave the editor (Tab is not indentation here); Ctrl+Space opens
 * the completions, arrows choose, Enter takes one, Escape closes them; in a one-line field Enter
 * commits the text instead of adding a line.
 */
import { autocompletion, closeBrackets, completionKeymap, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { linter } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder as placeholderExt } from '@codemirror/view';
import { useEffect, useId, useRef, useState } from 'react';
import { previewOf, problemsOf, type ExpressionMode } from './expression-check';
import { expressionLanguage } from './expression-language';
import { completionsAt, insideTemplateExpression, pathBefore, type ExpressionScope, type PreviewContext } from './expression-scope';

export interface ExpressionEditorProps {
  value: string;
  onChange(text: string): void;
  /** Focus left the editor (or Enter in a one-line field): a good moment to commit. */
  onCommit?(text: string): void;
  mode: ExpressionMode;
  /** The id of the element that labels the editor. */
  labelledBy: string;
  /** Ids of help texts about the field. */
  describedBy?: string | undefined;
  scope: ExpressionScope | null;
  /** The last run's data, or null when the workflow has not run. */
  previewContext: PreviewContext | null;
  multiline?: boolean;
  placeholder?: string | undefined;
}

/** The completion source for a scope: names after `input.`, `steps.`, `steps.<key>.`, `run.`. */
export function completionSource(getScope: () => ExpressionScope | null, mode: ExpressionMode) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const scope = getScope();
    if (!scope) return null;
    const text = ctx.state.doc.toString();
    if (mode === 'template' && !insideTemplateExpression(text, ctx.pos)) return null;
    const at = pathBefore(text, ctx.pos);
    if (!at || (!ctx.explicit && !at.word && !at.path.length)) return null;
    const entries = completionsAt(scope, at.path);
    if (!entries.length) return null;
    return {
      from: at.from,
      options: entries.map((e) => ({
        label: e.name,
        detail: e.type ? `${e.type} · ${e.detail}` : e.detail,
        ...(e.info ? { info: e.info } : {}),
        type: e.type === 'object' || e.type === 'array' ? 'namespace' : 'property',
      })),
      validFor: /^\w*$/,
    };
  };
}

const theme = EditorView.theme({
  '&': { border: '1px solid #9aa3b5', borderRadius: '6px', background: '#fff', fontSize: '.88rem' },
  '&.cm-focused': { outline: '2px solid #1d4ed8', outlineOffset: '1px' },
  '.cm-content': { fontFamily: "ui-monospace, 'Cascadia Code', Menlo, Consolas, monospace", padding: '.35rem 0' },
  '.cm-line': { padding: '0 .5rem' },
  '.cm-scroller': { overflow: 'auto' },
  // CodeMirror's own placeholder grey fails WCAG AA contrast on white; the studio's muted text passes (6.3:1).
  '.cm-placeholder': { color: '#566074' },
});

export default function ExpressionEditor(props: ExpressionEditorProps) {
  const { value, mode, labelledBy, describedBy, multiline = false, placeholder, previewContext } = props;
  const ids = useId();
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const [text, setText] = useState(value);
  const [preview, setPreview] = useState<{ value: unknown } | { error: string } | null>(null);

  const problems = problemsOf(text, mode);
  const problemsId = `${ids}-problems`;
  const previewId = `${ids}-preview`;

  useEffect(() => {
    const commit = () => latest.current.onCommit?.(view.current?.state.doc.toString() ?? '');
    const state = EditorState.create({
      doc: value,
      extensions: [
        history(),
        keymap.of([
          ...(multiline
            ? []
            : [
                {
                  key: 'Enter',
                  run: () => {
                    commit();
                    return true;
                  },
                },
              ]),
          ...completionKeymap,
          ...historyKeymap,
          ...defaultKeymap,
        ]),
        // A one-line field holds no line breaks, pasted or typed.
        ...(multiline ? [] : [EditorState.transactionFilter.of((tr) => (tr.newDoc.lines > 1 ? [] : tr))]),
        expressionLanguage(mode),
        syntaxHighlighting(defaultHighlightStyle),
        closeBrackets(),
        autocompletion({ override: [completionSource(() => latest.current.scope, mode)], activateOnTyping: true }),
        linter((v) => problemsOf(v.state.doc.toString(), mode).map((p) => ({ ...p, severity: 'error' as const })), { delay: 150 }),
        EditorView.lineWrapping,
        theme,
        ...(placeholder ? [placeholderExt(placeholder)] : []),
        EditorView.contentAttributes.of({
          'aria-labelledby': labelledBy,
          'aria-describedby': [describedBy, problemsId, previewId].filter(Boolean).join(' '),
          'aria-multiline': String(multiline),
          role: 'textbox',
        }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) {
            const next = u.state.doc.toString();
            setText(next);
            latest.current.onChange(next);
          }
          if (u.focusChanged && !u.view.hasFocus) commit();
        }),
      ],
    });
    view.current = new EditorView({ state, parent: host.current! });
    return () => {
      view.current?.destroy();
      view.current = null;
    };
    // The editor is made once per mount; later props are read through `latest`.
  }, []);

  // A value changed from outside (the JSON, undo) replaces the text.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    let live = true;
    if (!previewContext || problems.length || !text.trim() || (mode === 'template' && !text.includes('{{'))) {
      setPreview(null);
      return;
    }
    const t = setTimeout(() => {
      void previewOf(text, mode, previewContext).then((r) => live && setPreview(r));
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
    // `problems` follows from `text`.
  }, [text, mode, previewContext]);

  return (
    <div className="expr-editor">
      <div ref={host} className="expr-editor-frame" />
      {problems.length > 0 ? (
        <ul className="problems expr-problems" id={problemsId}>
          {problems.map((p) => (
            <li key={`${p.from}:${p.message}`}>{p.message}</li>
          ))}
        </ul>
      ) : (
        <span id={problemsId} hidden />
      )}
      <p className="help expr-preview" id={previewId} aria-live="polite">
        {!previewContext
          ? 'No run of this workflow yet: run it once to preview expressions against its data.'
          : !preview
            ? problems.length
              ? 'No preview while the expression has an error.'
              : mode === 'template' && !text.includes('{{')
                ? 'Plain text: no expression to preview.'
                : 'Preview with the last run: …'
            : 'error' in preview
              ? `Preview with the last run fails: ${preview.error}`
              : `Preview with the last run: ${JSON.stringify(preview.value)}`}
      </p>
    </div>
  );
}
