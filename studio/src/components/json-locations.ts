/**
 * Where in JSON text a path such as `tasks[2].input.message` is written, so the editor can mark
 * the line an issue is about. Paths use the server's format (shared/engine/check-definition.ts
 * formatPath): keys joined with dots, array indexes in brackets.
 */

/** The 1-based line of a character offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Offsets of every value of valid JSON text by path: a property's offset is where its key is
 * written, an array element's where the element starts; the root is ''. Text that is not valid
 * JSON gives the paths read before it broke.
 */
export function jsonPathOffsets(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const primitive = /[^,\]}\s]+/y;
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const string = (): string => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return text.slice(start + 1, i - 1);
    }
  };
  const value = (path: string, at: number | null): void => {
    ws();
    if (i >= text.length) return;
    if (!out.has(path)) out.set(path, at ?? i);
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      while (i < text.length) {
        ws();
        if (text[i] !== '"') return;
        const keyAt = i;
        const key = string();
        ws();
        if (text[i] !== ':') return;
        i++;
        value(path ? `${path}.${key}` : key, keyAt);
        ws();
        if (text[i] === ',') i++;
        else return void i++;
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (let n = 0; i < text.length; n++) {
        value(`${path}[${n}]`, null);
        ws();
        if (text[i] === ',') i++;
        else return void i++;
      }
    } else if (c === '"') string();
    else {
      primitive.lastIndex = i;
      i += primitive.exec(text)?.[0].length ?? 1;
    }
  };
  value('', null);
  return out;
}

/** The path one level up: `a.b[2]` → `a.b` → `a` → ''. */
function parentPath(path: string): string {
  return path.replace(/(\[\d+\]|\.?[^.[\]]+)$/, '');
}

/**
 * The line an issue is about: `line N, column M` paths name it; `(root)` and `(body)` are the
 * first line; other paths are looked up, falling back to the nearest enclosing value below the
 * root that exists (a missing required property marks the object that lacks it). Null when
 * nothing matches, e.g. a problem code in place of a path.
 */
export function issueLine(text: string, issue: { path: string; message: string }, offsets: Map<string, number>): number | null {
  const at = /^line (\d+), column \d+$/.exec(issue.path);
  if (at) return Number(at[1]);
  let path = issue.path === '(root)' || issue.path === '(body)' ? '' : issue.path;
  // An unknown property is best shown where it is written, not at the object holding it.
  const unknown = /^unknown property '(.+)'$/.exec(issue.message);
  if (unknown && offsets.has(path ? `${path}.${unknown[1]}` : unknown[1]!)) path = path ? `${path}.${unknown[1]}` : unknown[1]!;
  const wellFormed = /^([^.[\]]+|\[\d+\])(\.[^.[\]]+|\[\d+\])*$/.test(path) || path === '';
  if (!wellFormed) return null;
  for (;;) {
    const offset = offsets.get(path);
    if (offset !== undefined) return lineOf(text, offset);
    path = parentPath(path);
    // A top-level name that is not in the document is no place in it (it may be a problem code).
    if (path === '') return null;
  }
}
