/**
 * The `demiton` CLI driven as a child process (the compiled dist/cli/main.js) against the local
 * host started as a process on PostgreSQL + Redis: login and profiles, apply (dry run, create,
 * idempotent re-apply, update through draft + publish, prune), run --wait with the live view,
 * export → apply round trip, runs ls/get/watch/retry/cancel, approvals ls/approve/reject, --json,
 * and each exit code.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../cli/exit-codes';
import { api, deleteKeys, dropSchema, randomId, TEST_DATABASE_URL, TEST_REDIS_URL, waitFor } from '../helpers/test-platform';
import { cleanEnv, requireBuild, ROOT, startNode, type Proc } from '../helpers/processes';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const HOST = requireBuild('functions/local-host/main.js');
const CLI = requireBuild('cli/main.js');
const schema = `t_${randomId()}`;
const prefix = `test:${randomId()}`;
const work = mkdtempSync(join(tmpdir(), 'demiton-cli-'));
const configPath = join(work, 'config', 'demiton.json');
let host: Proc;
let url: string;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  json: any;
}

/** Runs `demiton <args>` in the work folder with its own config file; resolves when it exits. */
function demiton(args: string[], opts: { env?: Record<string, string>; stdin?: string } = {}): Promise<Result> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: work,
    env: cleanEnv({ DEMITON_CONFIG: configPath, ...opts.env }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(opts.stdin ?? '');
  return new Promise((resolve) =>
    child.on('close', (code) => {
      let json: unknown = null;
      if (args.includes('--json')) json = JSON.parse(stdout);
      resolve({ code, stdout, stderr, json });
    }),
  );
}

function writeWorkflows(dir: string) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'hello.yaml'),
    [
      '# yaml-language-server: $schema=../schemas/workflow.json',
      'name: hello',
      'description: Greets, then shouts',
      'tasks:',
      '  - key: greet',
      '    type: atomic',
      '    connector: platform',
      '    operation: echo',
      '    input:',
      '      message: "Hello {{ input.name }}"',
      '  - key: shout',
      '    type: atomic',
      '    connector: platform',
      '    operation: transform',
      '    input:',
      '      expression: "$uppercase(steps.greet.message)"',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'fails.json'),
    JSON.stringify({
      name: 'always-fails',
      tasks: [{ key: 'boom', type: 'atomic', connector: 'platform', operation: 'fail', input: { message: 'no luck' } }],
    }),
  );
  // Names `child`, which sorts after it: apply must create `child` first.
  writeFileSync(
    join(dir, 'a-parent.yaml'),
    'name: parent\ntasks:\n  - key: call\n    type: workflow\n    workflow: child\n    input:\n      n: "{{ input.n }}"\n',
  );
  writeFileSync(
    join(dir, 'child.yaml'),
    'name: child\ntasks:\n  - key: double\n    type: atomic\n    connector: platform\n    operation: transform\n    input:\n      expression: "input.n * 2"\n',
  );
}

const definitions = async () => {
  const list = (await api(url, 'GET', '/api/workflows')).body.items as Array<{ id: string; name: string; version: number }>;
  return Object.fromEntries(list.map((w) => [w.name, w.version]));
};

beforeAll(async () => {
  host = startNode(
    HOST,
    cleanEnv({
      DATABASE_URL: TEST_DATABASE_URL,
      DATABASE_SCHEMA: schema,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      PORT: '0',
      LOG_LEVEL: 'warn',
    }),
  );
  url = (await host.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 150_000))[1]!;
});

afterAll(async () => {
  await host?.kill('SIGKILL');
  await dropSchema(schema);
  await deleteKeys(`${prefix}:*`);
  rmSync(work, { recursive: true, force: true });
});

describe('demiton CLI against the local host', () => {
  it('logs in (development mode: no key), saves a profile with mode 0600 and lists it', async () => {
    const r = await demiton(['login', '--url', url, '--profile', 'local']);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain(`Signed in to ${url}`);
    expect(statSync(configPath).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(configPath, 'utf8'))).toEqual({ current: 'local', profiles: { local: { url } } });
    const ls = await demiton(['profiles', 'ls', '--json']);
    expect(ls.json.items).toEqual([{ name: 'local', url, current: true, credential: 'none (development mode)' }]);
  });

  it('logs in with an API key read from stdin, and refuses a wrong key with exit 5', async () => {
    const key = (await api(url, 'POST', '/api/hq/api-keys', { name: 'ci', role: 'editor' })).body.key as string;
    const ok = await demiton(['login', '--url', url, '--profile', 'ci', '--api-key-stdin', '--json'], { stdin: `${key}\n` });
    expect(ok.code).toBe(EXIT.ok);
    expect(ok.json).toMatchObject({ profile: 'ci', role: 'editor', actor: { type: 'apikey' } });
    const bad = await demiton(['login', '--url', url, '--profile', 'bad', '--api-key', 'dmt_not_a_real_key', '--json']);
    expect(bad.code).toBe(EXIT.refused);
    expect(bad.json.error.code).toBe('unauthenticated'); // the server names no more than that (shared/http/problem.ts)
    // DEMITON_API_KEY (as in CI) works with no profile at all.
    const env = await demiton(['runs', 'ls', '--json'], {
      env: { DEMITON_URL: url, DEMITON_API_KEY: key, DEMITON_CONFIG: join(work, 'none.json') },
    });
    expect(env.code).toBe(EXIT.ok);
    expect((await demiton(['profiles', 'use', 'local'])).code).toBe(EXIT.ok);
  });

  it('apply: the dry run changes nothing; apply creates (referenced workflows first); a second apply changes nothing', async () => {
    const dir = join(work, 'workflows');
    writeWorkflows(dir);
    const dry = await demiton(['apply', '-f', 'workflows', '--dry-run']);
    expect(dry.code).toBe(EXIT.ok);
    expect(dry.stdout).toContain('+ create     hello  (workflows/hello.yaml)');
    expect(dry.stdout).toContain('Dry run: 4 to create, 0 to update, 0 unchanged; nothing was changed.');
    expect(await definitions()).toEqual({});

    const applied = await demiton(['apply', '-f', 'workflows', '--json']);
    expect(applied.code).toBe(EXIT.ok);
    expect(applied.json.summary).toEqual({ create: 4, update: 0, unchanged: 0, prune: 0 });
    const order = applied.json.changes.map((c: { name: string }) => c.name);
    expect(order.indexOf('child')).toBeLessThan(order.indexOf('parent'));
    expect(await definitions()).toEqual({ hello: 1, 'always-fails': 1, parent: 1, child: 1 });

    const again = await demiton(['apply', '-f', 'workflows']);
    expect(again.code).toBe(EXIT.ok);
    expect(again.stdout).toContain('Applied: 0 created, 0 updated, 4 unchanged.');
    expect(await definitions()).toEqual({ hello: 1, 'always-fails': 1, parent: 1, child: 1 });
  });

  it('apply reads a JavaScript module made with defineWorkflow()', async () => {
    const dir = join(work, 'from-code');
    mkdirSync(dir);
    const sdk = JSON.stringify(join(ROOT, 'dist', 'sdk', 'workflow.js'));
    writeFileSync(
      join(dir, 'coded.cjs'),
      `const { defineWorkflow } = require(${sdk});\nmodule.exports = defineWorkflow({ name: 'coded', tasks: [{ key: 'e', type: 'atomic', connector: 'platform', operation: 'echo' }] });\n`,
    );
    const r = await demiton(['apply', '-f', 'from-code', '--json']);
    expect(r.code).toBe(EXIT.ok);
    expect(r.json.changes).toMatchObject([{ name: 'coded', action: 'create', newVersion: 1 }]);
    writeFileSync(
      join(dir, 'bad.cjs'),
      `const { defineWorkflow } = require(${sdk});\nmodule.exports = defineWorkflow({ name: 'bad', tasks: [] });\n`,
    );
    const bad = await demiton(['apply', '-f', 'from-code']);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toContain("Workflow 'bad' is invalid: tasks");
  });

  it('apply updates through draft + publish, printing the diff', async () => {
    const file = join(work, 'workflows', 'hello.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Hello {{', 'Hi {{'));
    const r = await demiton(['apply', '-f', 'workflows']);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toContain('~ update     hello  v1 → v2  (workflows/hello.yaml)');
    expect(r.stdout).toContain('~ tasks.greet.input.message: "Hello {{ input.name }}" → "Hi {{ input.name }}"');
    expect(r.stderr).toContain('published hello v2');
    expect((await definitions())['hello']).toBe(2);
    const hello = (await api(url, 'GET', '/api/workflows')).body.items.find((w: { name: string }) => w.name === 'hello');
    expect((await api(url, 'GET', `/api/workflows/${hello.id}/draft`)).status).toBe(404); // the draft became v2
  });

  it('run --wait shows live progress and prints the output; a failed run exits 4 with its error', async () => {
    writeFileSync(join(work, 'input.json'), JSON.stringify({ name: 'Grace' }));
    const ok = await demiton(['run', 'hello', '--input', 'input.json', '--wait']);
    expect(ok.code).toBe(EXIT.ok);
    expect(JSON.parse(ok.stdout)).toBe('HI GRACE');
    expect(ok.stderr).toMatch(/run [0-9a-f-]{36} {2}hello v2/);
    expect(ok.stderr).toContain('✓ greet  SUCCEEDED');
    expect(ok.stderr).toContain('✓ shout  SUCCEEDED');

    const nested = await demiton(['run', 'parent', '--input', '{"n": 21}', '--wait', '--json']);
    expect(nested.code).toBe(EXIT.ok);
    expect(nested.json.status).toBe('SUCCEEDED');

    const failed = await demiton(['run', 'always-fails', '--wait']);
    expect(failed.code).toBe(EXIT.runFailed);
    expect(failed.stdout).toContain('FAILED: platform_fail in task boom: no luck');
    expect(failed.stderr).toContain('✗ boom  FAILED');

    const asJson = await demiton(['run', 'always-fails', '--wait', '--json']);
    expect(asJson.code).toBe(EXIT.runFailed);
    expect(asJson.json).toMatchObject({ status: 'FAILED', error: { code: 'platform_fail', taskKey: 'boom' } });
  });

  it('export writes files that apply reads back unchanged (round trip)', async () => {
    const r = await demiton(['export', '-o', 'exported']);
    expect(r.code).toBe(EXIT.ok);
    expect(readdirSync(join(work, 'exported')).sort()).toEqual([
      'always-fails.yaml',
      'child.yaml',
      'coded.yaml',
      'hello.yaml',
      'parent.yaml',
    ]);
    const text = readFileSync(join(work, 'exported', 'hello.yaml'), 'utf8');
    expect(text).toContain(`# yaml-language-server: $schema=${url}/api/schemas/workflow.json`);
    expect(text).toContain('message: Hi {{ input.name }}');
    expect(text).not.toContain('projectId');
    const back = await demiton(['apply', '-f', 'exported', '--json']);
    expect(back.code).toBe(EXIT.ok);
    expect(back.json.summary).toEqual({ create: 0, update: 0, unchanged: 5, prune: 0 });
    const asJson = await demiton(['export', '-o', 'exported-json', '--format', 'json']);
    expect(asJson.code).toBe(EXIT.ok);
    expect((await demiton(['apply', '-f', 'exported-json', '--json'])).json.summary.unchanged).toBe(5);
  });

  it('prune: the dry run lists workflows no file names and changes nothing; prune archives them', async () => {
    const dir = join(work, 'only-hello');
    mkdirSync(dir);
    writeFileSync(join(dir, 'hello.yaml'), readFileSync(join(work, 'exported', 'hello.yaml')));
    const before = await definitions();
    const dry = await demiton(['apply', '-f', 'only-hello', '--prune', '--dry-run']);
    expect(dry.code).toBe(EXIT.ok);
    expect(dry.stdout).toMatch(/- prune {6}always-fails {2}v1\n- prune {6}child {2}v1\n- prune {6}coded {2}v1\n- prune {6}parent {2}v1/);
    expect(await definitions()).toEqual(before);
    const r = await demiton(['apply', '-f', 'only-hello', '--prune', '--json']);
    expect(r.code, r.stderr).toBe(EXIT.ok);
    expect(r.json.summary.prune).toBe(4);
    // Archived, not deleted: gone from the list, still there when archived ones are asked for.
    const listed = (await api(url, 'GET', '/api/workflows')).body.items.map((w: { name: string }) => w.name);
    expect(listed).not.toContain('always-fails');
    const all = (await api(url, 'GET', '/api/workflows?includeArchived=true')).body.items.map((w: { name: string }) => w.name);
    expect(all).toEqual(expect.arrayContaining(['always-fails', 'child', 'coded', 'parent']));
  });

  it('runs ls, get, watch, retry and cancel', async () => {
    const ls = await demiton(['runs', 'ls', '--workflow', 'always-fails', '--status', 'failed', '--json']);
    expect(ls.code).toBe(EXIT.ok);
    expect(ls.json.items.length).toBe(2);
    const failedId = ls.json.items[0].id as string;
    const text = await demiton(['runs', 'ls', '--limit', '1']);
    expect(text.stdout.trim().split('\n')).toHaveLength(1);

    const get = await demiton(['runs', 'get', failedId]);
    expect(get.code).toBe(EXIT.ok);
    expect(get.stdout).toContain('✗ boom  FAILED  platform_fail: no luck');
    expect(get.stdout).toContain('error: platform_fail: no luck');

    const watched = await demiton(['runs', 'watch', failedId]);
    expect(watched.code).toBe(EXIT.runFailed);

    // The prune above archived its workflow: its runs are not rerun until it is restored (409 → 5).
    const archived = await demiton(['runs', 'retry', failedId, '--json']);
    expect(archived.code).toBe(EXIT.refused);
    expect(archived.json.error.code).toBe('workflow_archived');
    const wfId = (await api(url, 'GET', '/api/workflows?includeArchived=true')).body.items.find(
      (w: { name: string }) => w.name === 'always-fails',
    ).id as string;
    expect((await api(url, 'POST', `/api/workflows/${wfId}/restore`)).status).toBe(200);
    const retried = await demiton(['runs', 'retry', failedId, '--wait', '--json']);
    expect(retried.code).toBe(EXIT.runFailed);
    expect(retried.json).toMatchObject({ id: failedId, status: 'FAILED', attempt: 2 });

    writeFileSync(
      join(work, 'sleepy.yaml'),
      'name: sleepy\ntasks:\n  - key: nap\n    type: atomic\n    connector: platform\n    operation: sleep\n    input:\n      ms: 60000\n',
    );
    expect((await demiton(['apply', '-f', 'sleepy.yaml'])).code).toBe(EXIT.ok);
    const started = await demiton(['run', 'sleepy', '--json']);
    expect(started.code).toBe(EXIT.ok);
    const id = started.json.id as string;
    await waitFor(async () => (await api(url, 'GET', `/api/runs/${id}`)).body.status === 'RUNNING', 30_000);
    const cancelled = await demiton(['runs', 'cancel', id]);
    expect(cancelled.code).toBe(EXIT.ok);
    expect(cancelled.stdout).toContain(`run ${id} CANCELLED`);
    const after = await demiton(['runs', 'watch', id, '--json']);
    expect(after.code).toBe(EXIT.runFailed);
    expect(after.json.status).toBe('CANCELLED');
  });

  it('approvals ls, approve and reject (with a comment), and their exit codes', async () => {
    const wf = await api(url, 'POST', '/api/workflows', {
      name: 'needs-a-yes',
      tasks: [
        { key: 'sign', type: 'approval', title: 'Ship it?', approvers: { roles: ['admin'] }, allowRequester: true },
        { key: 'after', type: 'atomic', connector: 'platform', operation: 'echo', input: { shipped: true } },
      ],
    });
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);
    const startRun = async () => (await api(url, 'POST', `/api/workflows/${wf.body.id}/runs`, { input: {} })).body.id as string;
    const approvalOf = (runId: string) =>
      waitFor(async () => {
        const r = await demiton(['approvals', 'ls', '--json']);
        expect(r.code).toBe(EXIT.ok);
        return r.json.items.find((a: { runId: string }) => a.runId === runId);
      }, 30_000);
    const yes = await startRun();
    const no = await startRun();
    const first = await approvalOf(yes);
    const second = await approvalOf(no);
    expect(first).toMatchObject({ title: 'Ship it?', taskKey: 'sign', status: 'waiting', canDecide: true });
    const text = await demiton(['approvals', 'ls']);
    expect(text.stdout).toContain(`${first.id}  waiting`);
    expect(text.stdout).toContain(`run ${yes} task sign  Ship it?`);

    const approved = await demiton(['approvals', 'approve', first.id, '--comment', 'looks good', '--json']);
    expect(approved.code).toBe(EXIT.ok);
    expect(approved.json).toMatchObject({ id: first.id, status: 'resumed', decisions: [{ decision: 'approve', comment: 'looks good' }] });
    expect((await demiton(['runs', 'watch', yes, '--json'])).json.status).toBe('SUCCEEDED');
    // Decided already: the server refuses (409) → 5, and says why.
    const again = await demiton(['approvals', 'reject', first.id, '--json']);
    expect(again.code).toBe(EXIT.refused);
    expect(again.json.error.code).toBe('already_decided');

    const rejected = await demiton(['approvals', 'reject', second.id, '--comment', 'not today']);
    expect(rejected.code).toBe(EXIT.ok);
    expect(rejected.stdout).toContain(`approval ${second.id} rejected: rejected`);
    expect((await demiton(['runs', 'watch', no])).code).toBe(EXIT.runFailed);
    // Nothing left to decide; --all still lists both.
    expect((await demiton(['approvals', 'ls', '--json'])).json.items.filter((a: { runId: string }) => [yes, no].includes(a.runId))).toEqual(
      [],
    );
    const all = await demiton(['approvals', 'ls', '--all', '--json']);
    expect(all.json.items.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining([first.id, second.id]));

    expect((await demiton(['approvals', 'approve'])).code).toBe(EXIT.usage);
    expect((await demiton(['approvals', 'approve', 'not-a-uuid'])).code).toBe(EXIT.usage);
    expect((await demiton(['approvals', 'maybe', first.id])).code).toBe(EXIT.usage);
    const ghost = await demiton(['approvals', 'approve', '00000000-0000-4000-8000-00000000beef', '--json']);
    expect(ghost.code).toBe(EXIT.notFound);
  });

  it('exit codes: 2 for bad usage and bad files (nothing applied), 3 for unknown workflows and runs, 5 when the server refuses, 6 when it is unreachable', async () => {
    expect((await demiton(['frobnicate'])).code).toBe(EXIT.usage);
    expect((await demiton(['apply', '--nope'])).code).toBe(EXIT.usage);
    expect((await demiton(['run'])).code).toBe(EXIT.usage);
    const badInput = await demiton(['run', 'hello', '--input', '{not json', '--json']);
    expect(badInput.code).toBe(EXIT.usage);
    expect(badInput.json.error.code).toBe('invalid_input');
    expect((await demiton(['run', 'hello', '--input', 'missing.json'])).code).toBe(EXIT.usage);

    const dir = join(work, 'broken');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'ok.yaml'),
      'name: would-be-created\ntasks:\n  - key: a\n    type: atomic\n    connector: platform\n    operation: echo\n',
    );
    writeFileSync(
      join(dir, 'typo.yaml'),
      'name: typo\ntasks:\n  - key: a\n    type: atomic\n    conector: platform\n    operation: echo\n',
    );
    const broken = await demiton(['apply', '-f', 'broken']);
    expect(broken.code).toBe(EXIT.usage);
    expect(broken.stderr).toContain('typo.yaml');
    expect((await definitions())['would-be-created']).toBeUndefined();

    const unknown = await demiton(['run', 'no-such-workflow', '--json']);
    expect(unknown.code).toBe(EXIT.notFound);
    expect(unknown.json.error.code).toBe('workflow_not_found');
    expect((await demiton(['runs', 'get', '00000000-0000-4000-8000-00000000dead'])).code).toBe(EXIT.notFound);
    expect((await demiton(['runs', 'get', 'not-a-uuid'])).code).toBe(EXIT.usage);

    // Valid by the schema, refused by the server's semantic checks (unknown connector): 422 → exit 5.
    writeFileSync(
      join(work, 'ghost.yaml'),
      'name: ghost\ntasks:\n  - key: a\n    type: atomic\n    connector: nowhere\n    operation: echo\n',
    );
    const refused = await demiton(['apply', '-f', 'ghost.yaml', '--json']);
    expect(refused.code).toBe(EXIT.refused);
    expect(refused.json.error.code).toBe('invalid_definition');

    const down = await demiton(['runs', 'ls', '--url', 'http://127.0.0.1:9', '--json']);
    expect(down.code).toBe(EXIT.unavailable);
    expect(down.json.error.code).toBe('unreachable');
    const noProfile = await demiton(['runs', 'ls'], { env: { DEMITON_CONFIG: join(work, 'absent.json') } });
    expect(noProfile.code).toBe(EXIT.usage);
    expect(noProfile.stderr).toContain('demiton login --url');
  });
});
