/**
 * The workflow definition as JSON, checked as you type: JSON syntax (with line and column) and
 * the WorkflowDefinition schema from the control plane's OpenAPI document. Errors the server
 * finds on save (unknown workflow, cycles, unknown operations) are shown in the same list. Each
 * error's line is marked in the gutter and behind the text (./json-locations.ts finds it), and
 * its "Line N" button selects that line: a textarea, no editor library.
 */
import { useQuery } from '@tanstack/react-query';
import Ajv2020 from 'ajv/dist/2020';
import { useId, useMemo, useRef } from 'react';
import { getOpenApiDocument, type FieldIssue } from '../services/api';
import { issueLine, jsonPathOffsets } from './json-locations';

export interface EditorCheck {
  value: unknown | undefined;
  issues: FieldIssue[];
}

/** Line and column of a character offset. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/**
 * Where JSON text first goes wrong, as an offset: browsers word JSON.parse errors differently
 * and some name no position, so a small scanner finds it.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    } else if (c === '"') string();
    else {
      const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
      if (!m) fail();
      i += m![0].length;
    }
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  try {
    value();
    ws();
    return i < text.length ? i : -1;
  } catch (at) {
    return at as number;
  }
}

/** Parses JSON; on failure names the line and column where it broke. */
export function parseJson(text: string): { value: unknown } | { issue: FieldIssue; offset: number | null } {
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    const offset = jsonErrorOffset(text);
    const where = position(text, Math.max(0, Math.min(offset, text.length)));
    const reason =
      text.trim() === ''
        ? 'the document is empty'
        : offset >= text.length
          ? 'the document ends too early'
          : `unexpected ${JSON.stringify(text[offset])}`;
    return {
      issue: { path: `line ${where.line}, column ${where.column}`, message: `Not valid JSON: ${reason}` },
      offset: offset >= 0 ? offset : null,
    };
  }
}

function useDefinitionValidator() {
  const doc = useQuery({ queryKey: ['openapi'], queryFn: getOpenApiDocument, staleTime: Infinity });
  return useMemo(() => {
    if (!doc.data) return null;
    try {
      const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
      // The whole document is the root, so '#/components/schemas/…' refs resolve inside it.
      return ajv.compile({
        $id: 'demiton-openapi',
        components: (doc.data as { components: unknown }).components,
        $ref: '#/components/schemas/WorkflowDefinition',
      });
    } catch {
      return null; // The server still validates on save.
    }
  }, [doc.data]);
}

type SchemaError = {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string | undefined;
};

/**
 * A task is a union told apart by `type`: ajv reports every branch's complaints, so an atomic
 * task missing `operation` also "lacks" `workflow`, `generator` and `each`. A branch whose
 * discriminator (a `const` property) does not match is dropped with all its errors; when every
 * branch is dropped, one issue names the values the discriminator may take.
 */
export function unionErrorsNarrowed<E extends SchemaError>(errors: readonly E[]): E[] {
  const discriminator = /^(.*\/(?:oneOf|anyOf))\/(\d+)\/properties\/[^/]+\/const$/;
  const ruledOut = new Set<string>();
  const unions = new Map<string, { error: E; allowed: unknown[] }>();
  for (const e of errors) {
    const m = e.keyword === 'const' ? discriminator.exec(e.schemaPath) : null;
    if (!m) continue;
    ruledOut.add(`${m[1]}/${m[2]}/`);
    const u = unions.get(m[1]!) ?? { error: e, allowed: [] };
    u.allowed.push(e.params['allowedValue']);
    unions.set(m[1]!, u);
  }
  if (!ruledOut.size) return [...errors];
  const kept = errors.filter((e) => ![...ruledOut].some((b) => e.schemaPath.startsWith(b)));
  for (const [union, u] of unions) {
    if (kept.some((e) => e.schemaPath.startsWith(`${union}/`))) continue; // a branch matched its discriminator
    kept.push({ ...u.error, keyword: 'enum', message: `must be one of ${u.allowed.map((v) => JSON.stringify(v)).join(', ')}` });
  }
  return kept;
}

export function checkDefinition(text: string, validate: ReturnType<typeof useDefinitionValidator>): EditorCheck {
  const parsed = parseJson(text);
  if ('issue' in parsed) return { value: undefined, issues: [parsed.issue] };
  if (validate && !validate(parsed.value)) {
    const seen = new Set<string>();
    const issues = unionErrorsNarrowed(validate.errors ?? [])
      // oneOf/anyOf failures repeat each branch's complaint; keep the specific ones.
      .filter((e) => !['oneOf', 'anyOf', 'if'].includes(e.keyword))
      .map((e) => ({
        path:
          e.instancePath
            .replace(/^\//, '')
            .replace(/\/(\d+)(?=\/|$)/g, '[$1]')
            .replace(/\//g, '.') || '(root)',
        message:
          e.keyword === 'additionalProperties'
            ? `unknown property '${(e.params as { additionalProperty: string }).additionalProperty}'`
            : (e.message ?? 'is invalid'),
      }))
      .filter((i) => !seen.has(i.path + i.message) && !!seen.add(i.path + i.message));
    return { value: parsed.value, issues: issues.slice(0, 20) };
  }
  return { value: parsed.value, issues: [] };
}

/** Selects a line of the textarea and scrolls it into view. */
function goToLine(area: HTMLTextAreaElement, text: string, line: number): void {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const newline = text.indexOf('\n', start);
    if (newline === -1) break;
    start = newline + 1;
  }
  const end = text.indexOf('\n', start);
  area.focus();
  area.setSelectionRange(start, end === -1 ? text.length : end);
  const lineHeight = parseFloat(getComputedStyle(area).lineHeight);
  if (lineHeight > 0) area.scrollTop = Math.max(0, (line - 3) * lineHeight);
}

/**
 * The editor: line numbers, each line an issue is about marked in the gutter and behind the text,
 * and the issues listed below (the textarea's description) with a "Line N" button that selects
 * that line.
 */
export function DefinitionEditor({
  text,
  onText,
  serverIssues,
  label,
}: {
  text: string;
  onText(t: string): void;
  serverIssues: FieldIssue[];
  label: string;
}) {
  const id = useId();
  const validate = useDefinitionValidator();
  const area = useRef<HTMLTextAreaElement>(null);
  const marks = useRef<HTMLDivElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const check = checkDefinition(text, validate);
  const offsets = useMemo(() => jsonPathOffsets(text), [text]);
  const issues = [...check.issues, ...serverIssues].map((i) => ({ ...i, line: issueLine(text, i, offsets) }));
  const byLine = new Map<number, string[]>();
  for (const i of issues) if (i.line !== null) byLine.set(i.line, [...(byLine.get(i.line) ?? []), `${i.path}: ${i.message}`]);
  const lines = text.split('\n').length;
  // The gutter and the line marks follow the text when it scrolls.
  const follow = (t: HTMLTextAreaElement) => {
    if (marks.current) marks.current.style.transform = `translateY(${-t.scrollTop}px)`;
    if (gutter.current) gutter.current.scrollTop = t.scrollTop;
  };
  return (
    <div className="editor">
      <label htmlFor={id}>{label}</label>
      <div className="editor-frame">
        <div className="gutter" aria-hidden="true" ref={gutter}>
          {Array.from({ length: lines }, (_, i) => (
            <span key={i} data-line={i + 1} className={byLine.has(i + 1) ? 'issue' : undefined} title={byLine.get(i + 1)?.join('\n')}>
              {byLine.has(i + 1) && <span className="marker">●</span>}
              {i + 1}
            </span>
          ))}
        </div>
        <div className="editor-text">
          <div className="line-marks" aria-hidden="true" ref={marks}>
            {[...byLine.keys()].map((l) => (
              <div key={l} data-line={l} style={{ top: `calc(${l - 1} * 1.45em)` }} />
            ))}
          </div>
          <textarea
            id={id}
            ref={area}
            className="code"
            spellCheck={false}
            value={text}
            rows={Math.min(40, Math.max(12, lines + 1))}
            onChange={(e) => onText(e.target.value)}
            onScroll={(e) => follow(e.currentTarget)}
            aria-invalid={issues.length > 0}
            aria-describedby={`${id}-issues`}
            onKeyDown={(e) => {
              // Tab indents inside the editor; Escape then Tab leaves it (keyboard users are not trapped).
              if (e.key === 'Tab' && !e.shiftKey && !(e.currentTarget.dataset['escaped'] === '1')) {
                e.preventDefault();
                const t = e.currentTarget;
                const s = t.selectionStart;
                onText(text.slice(0, s) + '  ' + text.slice(t.selectionEnd));
                requestAnimationFrame(() => t.setSelectionRange(s + 2, s + 2));
              }
              e.currentTarget.dataset['escaped'] = e.key === 'Escape' ? '1' : '';
            }}
          />
        </div>
      </div>
      <div id={`${id}-issues`} aria-live="polite">
        {issues.length === 0 ? (
          <p className="ok-line">✓ Valid workflow definition{validate ? '' : ' (JSON only; the server checks the rest on save)'}</p>
        ) : (
          <ul className="problems">
            {issues.map((i) => (
              <li key={i.path + i.message}>
                {i.line !== null && (
                  <>
                    <button
                      type="button"
                      className="link"
                      aria-label={`Line ${i.line}: ${i.path}: ${i.message}`}
                      onClick={() => area.current && goToLine(area.current, text, i.line!)}
                    >
                      Line {i.line}
                    </button>{' '}
                  </>
                )}
                <code>{i.path}</code>: {i.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      <p className="help">
        Tab indents; press Escape, then Tab, to move on from the editor. Lines with problems are marked; each problem&apos;s
        &quot;Line&quot; button selects its line.
      </p>
    </div>
  );
}
