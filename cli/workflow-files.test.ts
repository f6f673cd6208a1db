import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError, EXIT } from './exit-codes';
import { checkWorkflow, fileNameFor, findWorkflowFiles, loadWorkflows, parseWorkflowText, writeWorkflowFiles } from './workflow-files';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'demiton-wf-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const HELLO_YAML = `# yaml-language-server: $schema=https://example.test/api/schemas/workflow.json
name: hello
tasks:
  - key: greet
    type: atomic
    connector: platform
    operation: echo
    input:
      message: "Hello {{ input.name }}"
`;

async function failure(p: Promise<unknown> | (() => unknown)): Promise<CliError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    return err as CliError;
  }
  throw new Error('expected a CliError');
}

describe('workflow files', () => {
  it('reads YAML, JSON and module files from a folder tree, in name order, skipping other files and dot folders', async () => {
    const d = tmp();
    writeFileSync(join(d, 'b-hello.yaml'), HELLO_YAML);
    mkdirSync(join(d, 'nested'));
    writeFileSync(
      join(d, 'nested', 'a.json'),
      JSON.stringify({ $schema: 'x', name: 'json-one', tasks: [{ key: 'a', type: 'atomic', connector: 'platform', operation: 'echo' }] }),
    );
    writeFileSync(
      join(d, 'c.cjs'),
      "module.exports = { name: 'from-module', tasks: [{ key: 'm', type: 'atomic', connector: 'platform', operation: 'echo' }] };",
    );
    writeFileSync(join(d, 'README.md'), '# not a workflow');
    mkdirSync(join(d, '.git'));
    writeFileSync(join(d, '.git', 'x.yaml'), 'name: hidden');
    expect(findWorkflowFiles([d]).map((f) => f.slice(d.length + 1))).toEqual(['b-hello.yaml', 'c.cjs', join('nested', 'a.json')]);
    const loaded = await loadWorkflows([d]);
    expect(loaded.map((w) => w.name)).toEqual(['hello', 'from-module', 'json-one']);
    // `$schema` is for editors: dropped before validation and never sent.
    expect(loaded[2]!.written).not.toHaveProperty('$schema');
    expect(loaded[0]!.definition.tasks[0]).toMatchObject({ key: 'greet', input: { message: 'Hello {{ input.name }}' } });
  });

  it('refuses a file that breaks the schema, naming the file and each field', async () => {
    const d = tmp();
    writeFileSync(join(d, 'bad.yaml'), 'name: bad\ntasks:\n  - key: 9lives\n    type: atomic\n    connector: platform\n');
    const e = await failure(loadWorkflows([d]));
    expect(e.exitCode).toBe(EXIT.usage);
    expect(e.code).toBe('invalid_workflow');
    expect(e.message).toContain('bad.yaml');
    const paths = e.details.map((i) => i.path);
    expect(paths.some((p) => p.endsWith('tasks[0].key'))).toBe(true);
    expect(paths.some((p) => p.endsWith('tasks[0].operation'))).toBe(true);
  });

  it('refuses unknown fields (a typo must not be dropped silently)', () => {
    const e = checkWorkflowError({
      name: 'x',
      tasks: [{ key: 'a', type: 'atomic', connector: 'platform', operation: 'echo', retires: 3 }],
    });
    expect(e.details[0]!.message).toMatch(/retires/);
  });

  it('refuses YAML that does not parse, duplicate keys, and a name used by two files', async () => {
    expect((await failure(() => parseWorkflowText('name: [unclosed', 'a.yaml'))).code).toBe('unparsable_file');
    expect((await failure(() => parseWorkflowText('name: a\nname: b\n', 'a.yaml'))).code).toBe('unparsable_file');
    const d = tmp();
    writeFileSync(join(d, 'one.yaml'), HELLO_YAML);
    writeFileSync(join(d, 'two.yaml'), HELLO_YAML);
    const e = await failure(loadWorkflows([d]));
    expect(e.code).toBe('duplicate_workflow');
    expect(e.message).toMatch(/one\.yaml and .*two\.yaml/);
  });

  it('refuses an empty folder, a missing path and an explicit file of another kind', async () => {
    const d = tmp();
    expect((await failure(loadWorkflows([d]))).code).toBe('no_workflow_files');
    expect((await failure(loadWorkflows([join(d, 'missing')]))).code).toBe('file_not_found');
    writeFileSync(join(d, 'notes.txt'), 'x');
    expect((await failure(loadWorkflows([join(d, 'notes.txt')]))).code).toBe('unsupported_file');
  });

  it('writes files apply reads back to the same definitions (YAML and JSON), with distinct names', async () => {
    const defs = [
      {
        name: 'Orders Sync',
        definition: {
          name: 'Orders Sync',
          tasks: [{ key: 'a', type: 'atomic', connector: 'platform', operation: 'echo', input: { q: "it's {{ input.x }}: yes" } }],
        },
      },
      {
        name: 'orders sync',
        definition: {
          name: 'orders sync',
          description: 'multi\nline',
          tasks: [{ key: 'b', type: 'atomic', connector: 'platform', operation: 'echo' }],
        },
      },
    ];
    for (const format of ['yaml', 'json'] as const) {
      const d = tmp();
      const files = writeWorkflowFiles(d, defs, format, 'https://example.test/api/schemas/workflow.json');
      expect(files.map((f) => f.split('/').pop())).toEqual([`orders-sync.${format}`, `orders-sync-2.${format}`]);
      const text = readFileSync(files[0]!, 'utf8');
      expect(text).toContain('https://example.test/api/schemas/workflow.json');
      const back = await loadWorkflows([d]);
      expect(back.map((w) => w.written).sort((a, b) => String(a['name']).localeCompare(String(b['name'])))).toEqual(
        defs.map((x) => x.definition).sort((a, b) => a.name.localeCompare(b.name)),
      );
    }
  });

  it('derives file names from workflow names', () => {
    expect(fileNameFor('Nightly: ERP -> CRM', new Set(), 'yaml')).toBe('nightly-erp-crm.yaml');
    expect(fileNameFor('...', new Set(), 'json')).toBe('workflow.json');
    expect(fileNameFor('.env', new Set(), 'yaml')).toBe('env.yaml');
    expect(fileNameFor('a', new Set(['a.yaml', 'a-2.yaml']), 'yaml')).toBe('a-3.yaml');
  });
});

function checkWorkflowError(raw: unknown): CliError {
  try {
    checkWorkflow(raw, 'x.yaml');
  } catch (err) {
    return err as CliError;
  }
  throw new Error('expected a CliError');
}
