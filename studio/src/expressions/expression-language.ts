/**
 * Highlighting for JSONata and for `{{ }}` templates: a small stream tokenizer (no grammar), in
 * the editor's lazy chunk. In a template, text outside the braces is plain text and the inside is
 * tokenized as JSONata; the braces are marked as brackets.
 */
import { StreamLanguage, type StringStream } from '@codemirror/language';

interface State {
  /** Template mode only: inside `{{ … }}`. */
  inExpr: boolean;
  /** Inside a block comment. */
  inComment: boolean;
}

const KEYWORDS = new Set(['and', 'or', 'in', 'function']);
const ATOMS = new Set(['true', 'false', 'null']);

function jsonataToken(stream: StringStream, state: State): string | null {
  if (state.inComment) {
    if (stream.skipTo('*/')) {
      stream.next();
      stream.next();
      state.inComment = false;
    } else stream.skipToEnd();
    return 'comment';
  }
  if (stream.eatSpace()) return null;
  if (stream.match('/*')) {
    state.inComment = true;
    return 'comment';
  }
  const ch = stream.peek()!;
  if (ch === '"' || ch === "'") {
    stream.next();
    let escaped = false;
    for (let c = stream.next(); c !== undefined; c = stream.next()) {
      if (c === ch && !escaped) break;
      escaped = !escaped && c === '\\';
    }
    return 'string';
  }
  if (ch === '`') {
    stream.next();
    if (stream.skipTo('`')) stream.next();
    else stream.skipToEnd();
    return 'propertyName';
  }
  if (stream.match(/^-?\d+(\.\d+)?([eE][+-]?\d+)?/)) return 'number';
  if (stream.match(/^\$\$?[\w]*/)) return 'variableName';
  const word = stream.match(/^[A-Za-z_][\w]*/) as RegExpMatchArray | null;
  if (word) {
    if (ATOMS.has(word[0])) return 'atom';
    if (KEYWORDS.has(word[0])) return 'keyword';
    return 'propertyName';
  }
  if (stream.match(/^(:=|~>|\.\.|!=|<=|>=|\?:|\?\?|[-+*/%&=<>!?:.,;^|#@])/)) return 'operator';
  stream.next();
  return 'bracket';
}

/** The language for `mode`: a whole JSONata expression, or text with `{{ }}` expressions. */
export function expressionLanguage(mode: 'jsonata' | 'template') {
  return StreamLanguage.define<State>({
    name: mode === 'jsonata' ? 'jsonata' : 'jsonata-template',
    startState: () => ({ inExpr: false, inComment: false }),
    copyState: (s) => ({ ...s }),
    token(stream, state) {
      if (mode === 'jsonata') return jsonataToken(stream, state);
      if (!state.inExpr) {
        if (stream.match('{{')) {
          state.inExpr = true;
          return 'meta';
        }
        if (!stream.skipTo('{{')) stream.skipToEnd();
        return 'string';
      }
      if (!state.inComment && stream.match('}}')) {
        state.inExpr = false;
        return 'meta';
      }
      return jsonataToken(stream, state);
    },
  });
}
