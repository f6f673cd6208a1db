/**
 * Reads Bicep files with tree-sitter (the native `tree-sitter` binding and the `tree-sitter-bicep`
 * grammar, both loaded from their prebuilt binaries; no Bicep compiler is needed). These helpers
 * extract what the offline checks compare: parameters, modules, resource types and app settings.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(__filename);

/** The subset of tree-sitter's SyntaxNode these checks use. */
export interface SyntaxNode {
  type: string;
  text: string;
  isMissing: boolean;
  hasError: boolean;
  startPosition: { row: number; column: number };
  children: SyntaxNode[];
  namedChildren: SyntaxNode[];
  parent: SyntaxNode | null;
  previousNamedSibling: SyntaxNode | null;
}

interface ParserLike {
  setLanguage(lang: unknown): void;
  parse(text: string): { rootNode: SyntaxNode };
}

let parser: ParserLike | null = null;

/** Parses Bicep source into a syntax tree. */
export function parseBicep(text: string): SyntaxNode {
  if (!parser) {
    const Parser = require('tree-sitter') as new () => ParserLike;
    parser = new Parser();
    parser.setLanguage(require('tree-sitter-bicep'));
  }
  return parser.parse(text).rootNode;
}

/** Syntax errors (ERROR and MISSING nodes) with line:column, empty when the file parses. */
export function syntaxErrors(root: SyntaxNode): string[] {
  const out: string[] = [];
  const walk = (n: SyntaxNode) => {
    if (n.type === 'ERROR' || n.isMissing) {
      out.push(
        `${n.isMissing ? `missing ${n.type}` : 'syntax error'} at ${n.startPosition.row + 1}:${n.startPosition.column + 1} near '${n.text.slice(0, 40)}'`,
      );
    }
    n.children.forEach(walk);
  };
  walk(root);
  return out;
}

/** The unquoted value of a `string` node without interpolation; null otherwise. */
export function literalString(n: SyntaxNode | undefined): string | null {
  if (!n || n.type !== 'string') return null;
  if (n.namedChildren.some((c) => c.type === 'interpolation')) return null;
  return n.text.replace(/^'|'$/g, '').replace(/\\'/g, "'");
}

function decoratorsOf(n: SyntaxNode): string[] {
  const prev = n.previousNamedSibling;
  if (prev?.type !== 'decorators') return [];
  return prev.namedChildren.map((d) => d.text);
}

export interface ParamDecl {
  name: string;
  type: string;
  hasDefault: boolean;
  secure: boolean;
  allowed: string[] | null;
}

/** Top-level `param` declarations. */
export function params(root: SyntaxNode): ParamDecl[] {
  return root.namedChildren
    .filter((n) => n.type === 'parameter_declaration')
    .map((n) => {
      const [id, type, ...rest] = n.namedChildren;
      const decorators = decoratorsOf(n);
      const allowedDecorator = decorators.find((d) => d.startsWith('@allowed('));
      return {
        name: id!.text,
        type: type!.text,
        hasDefault: rest.length > 0,
        secure: decorators.some((d) => d.startsWith('@secure(')),
        allowed: allowedDecorator ? [...allowedDecorator.matchAll(/'([^']*)'/g)].map((m) => m[1]!) : null,
      };
    });
}

/** The object body of a module or resource declaration (through `if (…)` and `[for …]`). */
function bodyObject(n: SyntaxNode): SyntaxNode | null {
  for (const c of n.namedChildren) {
    if (c.type === 'object') return c;
    if (c.type === 'if_statement' || c.type === 'for_statement') return bodyObject(c);
  }
  return null;
}

/** The object body of the top-level module or resource declared as `symbol`, or null. */
export function declarationBody(root: SyntaxNode, symbol: string): SyntaxNode | null {
  const decl = root.namedChildren.find(
    (n) => (n.type === 'module_declaration' || n.type === 'resource_declaration') && n.namedChildren[0]?.text === symbol,
  );
  return decl ? bodyObject(decl) : null;
}

/** The value node of property `key` in an object node. */
export function property(obj: SyntaxNode | null, key: string): SyntaxNode | null {
  if (!obj) return null;
  for (const p of obj.namedChildren) {
    if (p.type !== 'object_property') continue;
    const [k, v] = p.namedChildren;
    if (k && (k.text === key || literalString(k) === key)) return v ?? null;
  }
  return null;
}

/** The keys of an object node (identifiers or quoted strings; interpolated keys as written). */
export function objectKeys(obj: SyntaxNode): string[] {
  return obj.namedChildren
    .filter((p) => p.type === 'object_property')
    .map((p) => literalString(p.namedChildren[0]) ?? p.namedChildren[0]!.text);
}

export interface ModuleDecl {
  symbol: string;
  path: string;
  params: string[];
  line: number;
}

/** Top-level `module` declarations with the parameter names they pass. */
export function modules(root: SyntaxNode): ModuleDecl[] {
  return root.namedChildren
    .filter((n) => n.type === 'module_declaration')
    .map((n) => {
      const body = bodyObject(n);
      const p = property(body, 'params');
      return {
        symbol: n.namedChildren[0]!.text,
        path: literalString(n.namedChildren[1]) ?? n.namedChildren[1]!.text,
        params: p && p.type === 'object' ? objectKeys(p) : [],
        line: n.startPosition.row + 1,
      };
    });
}

export interface ResourceDecl {
  symbol: string;
  type: string;
  apiVersion: string;
  existing: boolean;
  line: number;
}

/** Every `resource` declaration, nested ones included. */
export function resources(root: SyntaxNode): ResourceDecl[] {
  const out: ResourceDecl[] = [];
  const walk = (n: SyntaxNode) => {
    if (n.type === 'resource_declaration') {
      const typeString = literalString(n.namedChildren[1]) ?? '';
      const [type, apiVersion] = typeString.split('@');
      out.push({
        symbol: n.namedChildren[0]!.text,
        type: type ?? '',
        apiVersion: apiVersion ?? '',
        existing: /^resource\s+\S+\s+'[^']*'\s+existing\b/.test(n.text),
        line: n.startPosition.row + 1,
      });
    }
    n.namedChildren.forEach(walk);
  };
  walk(root);
  return out;
}

/** Object literal keys anywhere inside the named top-level `var` declarations. */
export function variableObjectKeys(root: SyntaxNode, include: (name: string) => boolean): Map<string, SyntaxNode> {
  const out = new Map<string, SyntaxNode>();
  const walk = (n: SyntaxNode) => {
    if (n.type === 'object_property') {
      const [k, v] = n.namedChildren;
      if (k && v) out.set(literalString(k) ?? k.text, v);
    }
    n.namedChildren.forEach(walk);
  };
  for (const n of root.namedChildren) {
    if (n.type === 'variable_declaration' && include(n.namedChildren[0]!.text)) walk(n.namedChildren[1]!);
  }
  return out;
}

/** Reads and parses a file. */
export function parseBicepFile(path: string): SyntaxNode {
  return parseBicep(readFileSync(path, 'utf8'));
}
