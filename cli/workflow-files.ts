/**
 * Workflow files: one workflow per file, YAML (`.yaml`, `.yml`), JSON (`.json`) or a module whose
 * default export is a definition (`.js`, `.cjs`, `.mjs`, e.g. made with `defineWorkflow()`).
 * Every file is read and checked against the definition schema before anything is applied, so a
 * bad file changes nothing. Export writes the same format back.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { WorkflowDefinition } from '../shared/domain/workflow-definition';
import { zodIssues } from '../shared/domain/zod-issues';
import { CliError, EXIT } from './exit-codes';

const DATA = new Set(['.yaml', '.yml', '.json']);
const MODULES = new Set(['.js', '.cjs', '.mjs']);

/** A workflow read from a file: as written (what is sent) and as the schema reads it (what is compared). */
export interface LocalWorkflow {
  file: string;
  name: string;
  written: Record<string, unknown>;
  definition: WorkflowDefinition;
}

/** The workflow files under each path (a file, or a folder searched recursively), sorted. */
export function findWorkflowFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const visit = (p: string, explicit: boolean) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new CliError(EXIT.usage, 'file_not_found', `${p}: no such file or folder`);
    }
    if (st.isDirectory()) {
      for (const f of readdirSync(p).sort()) if (!f.startsWith('.') && f !== 'node_modules') visit(join(p, f), false);
    } else if (DATA.has(extname(p)) || MODULES.has(extname(p))) out.push(p);
    else if (explicit)
      throw new CliError(EXIT.usage, 'unsupported_file', `${p}: a workflow file ends in .yaml, .yml, .json, .js, .cjs or .mjs`);
  };
  for (const p of paths) visit(p, true);
  return out;
}

/** Parses the text of a YAML or JSON workflow file. */
export function parseWorkflowText(text: string, file: string): unknown {
  try {
    return extname(file) === '.json' ? JSON.parse(text) : parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    throw new CliError(EXIT.usage, 'unparsable_file', `${file}: ${(err as Error).message.split('\n')[0]}`);
  }
}

async function readModule(file: string): Promise<unknown> {
  try {
    const m = (await import(pathToFileURL(resolve(file)).href)) as { default?: unknown };
    // A CommonJS module's exports arrive as `default`; an ES module's default export too.
    const d = m.default as { default?: unknown } | undefined;
    return d && typeof d === 'object' && 'default' in d && !('tasks' in d) ? d.default : d;
  } catch (err) {
    throw new CliError(EXIT.usage, 'unloadable_module', `${file}: ${(err as Error).message}`);
  }
}

/** Checks one parsed file against the definition schema; `$schema` (for editors) is dropped first. */
export function checkWorkflow(raw: unknown, file: string): LocalWorkflow {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new CliError(EXIT.usage, 'invalid_workflow', `${file}: a workflow file holds one workflow definition (an object).`);
  const { $schema: _editorHint, ...written } = raw as Record<string, unknown>;
  const r = WorkflowDefinition.safeParse(written);
  if (!r.success)
    throw new CliError(
      EXIT.usage,
      'invalid_workflow',
      `${file}: not a valid workflow definition`,
      zodIssues(r.error).map((i) => ({ path: `${file}: ${i.path}`, message: i.message })),
    );
  return { file, name: r.data.name, written, definition: r.data };
}

/** Reads and checks every workflow file under `paths`; fails on the first bad file or a name used twice. */
export async function loadWorkflows(paths: readonly string[]): Promise<LocalWorkflow[]> {
  const files = findWorkflowFiles(paths);
  if (!files.length)
    throw new CliError(EXIT.usage, 'no_workflow_files', `No workflow files (.yaml, .yml, .json, .js) under ${paths.join(', ')}`);
  const out: LocalWorkflow[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const raw = MODULES.has(extname(file)) ? await readModule(file) : parseWorkflowText(readFileSync(file, 'utf8'), file);
    const wf = checkWorkflow(raw, file);
    const other = seen.get(wf.name);
    if (other) throw new CliError(EXIT.usage, 'duplicate_workflow', `Workflow '${wf.name}' is defined twice: in ${other} and ${file}`);
    seen.set(wf.name, file);
    out.push(wf);
  }
  return out;
}

/** A file name for a workflow name: lower case, each run of anything but letters, digits, `.`, `_` and `-` as one `-`. */
export function fileNameFor(name: string, taken: ReadonlySet<string>, ext: 'yaml' | 'json'): string {
  // No leading dot: the loader skips hidden files.
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^[.-]+|[.-]+$/g, '') || 'workflow';
  let candidate = `${base}.${ext}`;
  for (let n = 2; taken.has(candidate); n++) candidate = `${base}-${n}.${ext}`;
  return candidate;
}

/** The text of a workflow file; `schemaUrl` points editors at the JSON Schema. */
export function workflowFileText(definition: Record<string, unknown>, format: 'yaml' | 'json', schemaUrl: string): string {
  if (format === 'json') return `${JSON.stringify({ $schema: schemaUrl, ...definition }, null, 2)}\n`;
  return `# yaml-language-server: $schema=${schemaUrl}\n${toYaml(definition, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

/** Writes workflows to `dir` (created if needed), one file each; returns the files written. */
export function writeWorkflowFiles(
  dir: string,
  workflows: ReadonlyArray<{ name: string; definition: Record<string, unknown> }>,
  format: 'yaml' | 'json',
  schemaUrl: string,
): string[] {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  const taken = new Set<string>();
  const written: string[] = [];
  for (const w of [...workflows].sort((a, b) => a.name.localeCompare(b.name))) {
    const name = fileNameFor(w.name, taken, format);
    taken.add(name);
    const path = join(dir, name);
    writeFileSync(path, workflowFileText(w.definition, format, schemaUrl));
    written.push(relative(process.cwd(), path) || path);
  }
  return written;
}
