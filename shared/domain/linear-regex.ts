/**
 * Regular expressions written by users (JSONata regex literals, JSON Schema `pattern` and
 * `patternProperties`) run on RE2 (the pure-JavaScript port `re2js`), never on V8's backtracking
 * engine: RE2 matches in time linear in the input, so `(a+)+$` against 'aaaa…!' takes
 * microseconds instead of freezing the event loop that also serves the API. RE2 has no
 * backreferences and no lookaround; a pattern that needs them is refused (at save time, with the
 * path of the field that holds it).
 */
import { RE2JS, type Matcher } from 're2js';
import { BoundedCache } from './bounded-cache';

/** A pattern RE2 cannot run (backreferences, lookaround, sticky flag) or that does not parse. */
export class UnsupportedPatternError extends Error {
  constructor(
    readonly pattern: string,
    reason: string,
  ) {
    super(
      `the regular expression /${pattern}/ is not accepted: ${reason} (patterns run on RE2, in linear time: no backreferences or lookaround)`,
    );
    this.name = 'UnsupportedPatternError';
  }
}

const FLAG_BITS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL, g: 0, u: 0 };

// A definition's patterns recur on every run and every trigger: compile each (pattern, flags) once.
const cache = new BoundedCache<string, RE2JS>(2_000);

/** Compiles a JavaScript-syntax pattern for RE2; throws `UnsupportedPatternError`. */
export function compileLinear(pattern: string, flags = ''): RE2JS {
  const key = `${flags}/${pattern}`;
  let re = cache.get(key);
  if (re) return re;
  let bits = 0;
  for (const f of flags) {
    const bit = FLAG_BITS[f];
    if (bit === undefined) throw new UnsupportedPatternError(pattern, `the flag '${f}' is not supported`);
    bits |= bit;
  }
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
  } catch (err) {
    throw new UnsupportedPatternError(pattern, (err as Error).message);
  }
  cache.set(key, re);
  return re;
}

/** Why a pattern cannot run on RE2, or null when it can. */
export function patternProblem(pattern: string, flags = ''): string | null {
  try {
    compileLinear(pattern, flags);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * The part of `RegExp` that JSONata uses (`new RegexEngine(literal)`, `lastIndex`, `exec`; its
 * literals always carry the `g` flag) and that Ajv uses (`test`), matched by RE2.
 */
export class LinearRegExp {
  lastIndex = 0;
  readonly source: string;
  readonly flags: string;
  private readonly re: RE2JS;
  private readonly global: boolean;
  private matcher: Matcher | null = null;
  private matcherInput: string | null = null;

  constructor(source: RegExp | string, flags?: string) {
    this.source = typeof source === 'string' ? source : source.source;
    this.flags = flags ?? (typeof source === 'string' ? '' : source.flags);
    this.re = compileLinear(this.source, this.flags);
    this.global = this.flags.includes('g');
  }

  /** Like `RegExp.prototype.exec`: from `lastIndex` when global, updating it. */
  exec(input: string): RegExpExecArray | null {
    const from = this.global ? this.lastIndex : 0;
    // JSONata walks one input match by match: one matcher per input, not per match.
    if (this.matcher === null || this.matcherInput !== input) {
      this.matcher = this.re.matcher(input);
      this.matcherInput = input;
    }
    const m = this.matcher;
    if (from > input.length || !m.find(from)) {
      this.lastIndex = 0;
      return null;
    }
    const out = [m.group(0) ?? ''] as unknown as RegExpExecArray;
    for (let i = 1, n = m.groupCount(); i <= n; i++) out.push(m.group(i) ?? (undefined as unknown as string));
    out.index = m.start();
    out.input = input;
    if (this.global) this.lastIndex = m.end();
    return out;
  }

  /** `/pattern/flags`: Ajv keys its compiled patterns by this string, so it must differ per pattern. */
  toString(): string {
    return `/${this.source}/${this.flags}`;
  }

  /** True when the pattern matches anywhere in `input`. */
  test(input: string): boolean {
    return this.re.test(input);
  }
}

/** Ajv's `code.regExp` option: every `pattern` keyword compiles to an RE2 matcher (or fails to compile). */
export const ajvLinearRegExp = Object.assign((pattern: string, flags: string) => new LinearRegExp(pattern, flags), {
  code: 'linearRegExp',
});
