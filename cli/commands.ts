/**
 * The commands of `demiton`. Each returns what it printed as data (the `--json` answer) and an exit
 * code; text goes to `out` (results) and `err` (progress, diagnostics), so a script can read
 * stdout while a person watches stderr.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { formatPlan, planApply, summarise, type PlanItem, type RemoteWorkflow } from './apply-plan';
import { apiClient, call, problemError, unreachable, authHeaders, type ApiClient, type RunView, type WorkflowView } from './client';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { cliEnv, readConfig, resolveConnection, writeConfig, type CliEnv, type Connection } from './profiles';
import { deviceCodeSignIn } from './device-code';
import { followRun, ProgressView, taskLine } from './run-progress';
import { loadWorkflows, parseWorkflowText, writeWorkflowFiles } from './workflow-files';

/** Where a command writes, and whether the answer is JSON. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  errIsTTY: boolean;
  json: boolean;
  env: CliEnv;
  readStdin(): Promise<string>;
}

export interface Outcome {
  exitCode: ExitCode;
  /** The `--json` answer. */
  data: unknown;
}

/** Flags every command reads. */
export interface Common {
  profile?: string | undefined;
  url?: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TERMINAL_FAIL = new Set(['FAILED', 'CANCELLED']);

function connect(io: Io, flags: Common): { conn: Connection; api: ApiClient } {
  const conn = resolveConnection(io.env, flags);
  return { conn, api: apiClient(conn) };
}

// ---- login and profiles -------------------------------------------------------------------

/** `demiton login`: checks the credential against GET /api/me, then saves it as a profile and makes it current. */
export async function login(io: Io, flags: Common & { apiKey?: string | undefined; apiKeyStdin?: boolean | undefined }): Promise<Outcome> {
  const env = io.env;
  const config = readConfig(env.configPath);
  const name = flags.profile ?? env.profile ?? config.current ?? 'default';
  const url = (flags.url ?? env.url ?? config.profiles[name]?.url)?.replace(/\/+$/, '');
  if (!url) throw new CliError(EXIT.usage, 'missing_url', 'Say which control plane: `demiton login --url https://…`.');
  const apiKey = flags.apiKeyStdin ? (await io.readStdin()).trim() : (flags.apiKey ?? env.apiKey);
  const conn: Connection = { profile: name, url, ...(apiKey ? { apiKey } : {}) };
  const me = await call('Signing in', apiClient(conn).GET('/api/me'));
  if (!apiKey && !me.devMode)
    throw new CliError(EXIT.usage, 'missing_api_key', 'This control plane needs a credential: pass --api-key (or --api-key-stdin).');
  config.profiles[name] = { url, ...(apiKey ? { apiKey } : {}) };
  config.current = name;
  writeConfig(env.configPath, config);
  const data = { profile: name, url, orgId: me.orgId, orgName: me.orgName, actor: me.actor, role: me.role, devMode: me.devMode };
  io.out(
    `Signed in to ${url} as ${me.actor.type} ${me.actor.id} (${me.role} of ${me.orgName}); profile '${name}' saved in ${env.configPath}\n`,
  );
  return { exitCode: EXIT.ok, data };
}

/**
 * `demiton login --device-code`: signs in with Entra ID (device code flow, cli/device-code.ts). The
 * authority, client id and scopes come from the flags, else the profile, else the control plane's
 * GET /api/auth/config; the token is checked against GET /api/me, then saved in the profile with
 * where it came from (so the next `login --device-code` of that profile needs no flags).
 */
export async function loginDeviceCode(
  io: Io,
  flags: Common & { authority?: string | undefined; clientId?: string | undefined; scope?: string | undefined },
): Promise<Outcome> {
  const env = io.env;
  const config = readConfig(env.configPath);
  const name = flags.profile ?? env.profile ?? config.current ?? 'default';
  const saved = config.profiles[name];
  const url = (flags.url ?? env.url ?? saved?.url)?.replace(/\/+$/, '');
  if (!url) throw new CliError(EXIT.usage, 'missing_url', 'Say which control plane: `demiton login --device-code --url https://…`.');
  let authority = flags.authority ?? saved?.authority;
  let clientId = flags.clientId ?? saved?.clientId;
  let scopes = flags.scope ? flags.scope.split(/[\s,]+/).filter(Boolean) : saved?.scopes;
  if (!authority || !clientId || !scopes?.length) {
    const ac = await call('Reading the sign-in configuration', apiClient({ profile: name, url }).GET('/api/auth/config'));
    authority ??= ac.authority ?? undefined;
    clientId ??= ac.clientId ?? undefined;
    if (!scopes?.length) scopes = ac.scopes;
  }
  if (!authority || !clientId)
    throw new CliError(
      EXIT.usage,
      'no_identity_provider',
      `${url} names no Entra authority and client for signing in; pass --authority https://<host>/<tenant> and --client-id <application id> (or use an API key).`,
    );
  try {
    new URL(authority);
  } catch {
    throw new CliError(EXIT.usage, 'invalid_authority', `--authority '${authority}' is not a URL (https://<host>/<tenant>).`);
  }
  const token = await deviceCodeSignIn({ authority, clientId, scopes: scopes ?? [] }, (m) => io.err(`${m}\n`));
  const conn: Connection = { profile: name, url, accessToken: token.accessToken };
  const me = await call('Signing in', apiClient(conn).GET('/api/me'));
  config.profiles[name] = {
    url,
    accessToken: token.accessToken,
    accessTokenExpiresAt: token.expiresAt,
    authority,
    clientId,
    ...(scopes?.length ? { scopes } : {}),
  };
  config.current = name;
  writeConfig(env.configPath, config);
  const data = { profile: name, url, orgId: me.orgId, orgName: me.orgName, actor: me.actor, role: me.role, expiresAt: token.expiresAt };
  io.out(
    `Signed in to ${url} as ${me.actor.type} ${me.actor.id} (${me.role} of ${me.orgName}) until ${token.expiresAt}; profile '${name}' saved\n`,
  );
  return { exitCode: EXIT.ok, data };
}

/** `demiton profiles ls`. */
export function profilesList(io: Io): Outcome {
  const config = readConfig(io.env.configPath);
  const items = Object.entries(config.profiles).map(([name, p]) => ({
    name,
    url: p.url,
    current: name === config.current,
    credential: p.apiKey ? 'api key' : p.accessToken ? 'entra token' : 'none (development mode)',
  }));
  for (const i of items) io.out(`${i.current ? '*' : ' '} ${i.name.padEnd(16)} ${i.url}  (${i.credential})\n`);
  if (!items.length) io.out('No profiles yet: `demiton login --url <url> --api-key <key>`\n');
  return { exitCode: EXIT.ok, data: { items } };
}

/** `demiton profiles use <name>`. */
export function profilesUse(io: Io, name: string): Outcome {
  const config = readConfig(io.env.configPath);
  if (!config.profiles[name]) throw new CliError(EXIT.notFound, 'unknown_profile', `No profile '${name}' in ${io.env.configPath}`);
  config.current = name;
  writeConfig(io.env.configPath, config);
  io.out(`Current profile: ${name}\n`);
  return { exitCode: EXIT.ok, data: { current: name } };
}

// ---- workflows as code ---------------------------------------------------------------------

async function targetProject(api: ApiClient, project: string | undefined): Promise<{ id: string; name: string }> {
  const { items } = await call('Listing projects', api.GET('/api/projects'));
  const p = project ? items.find((x) => x.id === project || x.name === project) : items.find((x) => x.isDefault);
  if (!p)
    throw new CliError(
      EXIT.notFound,
      'project_not_found',
      project ? `No project '${project}'.` : 'The organisation has no default project.',
    );
  return { id: p.id, name: p.name };
}

async function remoteWorkflows(api: ApiClient, projectId: string): Promise<WorkflowView[]> {
  const { items } = await call('Listing workflows', api.GET('/api/workflows', { params: { query: { projectId } } }));
  const out: WorkflowView[] = [];
  for (const s of items)
    out.push(await call(`Reading workflow ${s.name}`, api.GET('/api/workflows/{id}', { params: { path: { id: s.id } } })));
  return out;
}

/** How this server removes a workflow, read from its OpenAPI document; null when it cannot. */
async function pruneMethod(conn: Connection): Promise<((id: string) => Promise<void>) | null> {
  const doc = await call(
    'Reading the API description',
    apiClient(conn).GET('/api/openapi.json') as Promise<{ data?: unknown; error?: unknown; response: Response }>,
  );
  const paths = ((doc as { paths?: Record<string, Record<string, unknown>> }).paths ?? {}) as Record<string, Record<string, unknown>>;
  const send = (method: string, path: string) => async (id: string) => {
    let res: Response;
    try {
      res = await fetch(`${conn.url}${path.replace('{id}', id)}`, {
        method,
        headers: { 'User-Agent': 'demiton-cli', ...authHeaders(conn) },
      });
    } catch (err) {
      throw unreachable(err);
    }
    if (!res.ok) throw problemError(res.status, await res.json().catch(() => null), 'Pruning a workflow');
  };
  if (paths['/api/workflows/{id}/archive']?.['post']) return send('POST', '/api/workflows/{id}/archive');
  if (paths['/api/workflows/{id}']?.['delete']) return send('DELETE', '/api/workflows/{id}');
  return null;
}

/** `demiton apply -f <path>… [--dry-run] [--prune] [--project <id|name>]`. */
export async function apply(
  io: Io,
  flags: Common & { files: string[]; dryRun: boolean; prune: boolean; project?: string | undefined },
): Promise<Outcome> {
  if (!flags.files.length) throw new CliError(EXIT.usage, 'missing_files', 'Say which files: `demiton apply -f workflows/`.');
  const local = await loadWorkflows(flags.files);
  const { conn, api } = connect(io, flags);
  const project = await targetProject(api, flags.project);
  for (const l of local)
    if (l.definition.projectId && l.definition.projectId !== project.id)
      throw new CliError(
        EXIT.usage,
        'project_mismatch',
        `${l.file}: projectId ${l.definition.projectId} is not the target project ${project.id} (${project.name}).`,
      );
  const remote: RemoteWorkflow[] = (await remoteWorkflows(api, project.id)).map((w) => ({
    id: w.id,
    name: w.name,
    version: w.version,
    definition: w.definition,
  }));
  const plan = planApply(local, remote, flags.prune);
  const counts = summarise(plan);
  const lines = formatPlan(plan);
  if (!io.json) io.out(`${lines.join('\n')}${lines.length ? '\n' : ''}`);
  const prune = counts.prune && !flags.dryRun ? await pruneMethod(conn) : null;
  if (counts.prune && !flags.dryRun && !prune)
    throw new CliError(
      EXIT.unsupported,
      'prune_unsupported',
      `This control plane offers no way to archive or delete workflows, so ${counts.prune} workflow(s) cannot be pruned; nothing was changed.`,
    );
  const results: Array<PlanItem & { newVersion?: number }> = [];
  if (!flags.dryRun) {
    const byName = new Map(local.map((l) => [l.name, l]));
    for (const item of plan) {
      const l = byName.get(item.name);
      const body = l ? ({ ...l.written, projectId: project.id } as never) : undefined;
      if (item.action === 'create') {
        const w = await call(`Creating ${item.name}`, api.POST('/api/workflows', { body: body! }));
        results.push({ ...item, id: w.id, newVersion: w.version });
        io.err(`created ${item.name} v${w.version}\n`);
      } else if (item.action === 'update') {
        const path = { params: { path: { id: item.id! } } };
        await call(`Saving the draft of ${item.name}`, api.PUT('/api/workflows/{id}/draft', { ...path, body: body! }));
        const w = await call(
          `Publishing ${item.name}`,
          api.POST('/api/workflows/{id}/publish', { ...path, body: { expectedVersion: item.version! } }),
        );
        results.push({ ...item, newVersion: w.version });
        io.err(`published ${item.name} v${w.version}\n`);
      } else if (item.action === 'prune') {
        await prune!(item.id!);
        results.push(item);
        io.err(`pruned ${item.name}\n`);
      } else results.push(item);
    }
  }
  const pruned = flags.prune ? `, ${counts.prune} ${flags.dryRun ? 'to prune' : 'pruned'}` : '';
  if (!io.json)
    io.out(
      flags.dryRun
        ? `Dry run: ${counts.create} to create, ${counts.update} to update, ${counts.unchanged} unchanged${pruned}; nothing was changed.\n`
        : `Applied: ${counts.create} created, ${counts.update} updated, ${counts.unchanged} unchanged${pruned}.\n`,
    );
  return { exitCode: EXIT.ok, data: { dryRun: flags.dryRun, project, summary: counts, changes: flags.dryRun ? plan : results } };
}

/** `demiton export [-o <dir>] [--format yaml|json] [--project <id|name>]`: one file per workflow, readable by apply. */
export async function exportWorkflows(
  io: Io,
  flags: Common & { out: string; format: 'yaml' | 'json'; project?: string | undefined },
): Promise<Outcome> {
  const { conn, api } = connect(io, flags);
  const project = await targetProject(api, flags.project);
  const workflows = await remoteWorkflows(api, project.id);
  const files = writeWorkflowFiles(
    flags.out,
    workflows.map((w) => {
      // The project is chosen when applying (--project), so files move between environments.
      const { projectId: _project, ...definition } = w.definition as Record<string, unknown>;
      return { name: w.name, definition };
    }),
    flags.format,
    `${conn.url}/api/schemas/workflow.json`,
  );
  if (!io.json) io.out(`${files.map((f) => `wrote ${f}\n`).join('')}Exported ${files.length} workflow(s) of project ${project.name}.\n`);
  return { exitCode: EXIT.ok, data: { project, files } };
}

// ---- runs ----------------------------------------------------------------------------------

async function findWorkflow(api: ApiClient, ref: string, project: string | undefined): Promise<{ id: string; name: string }> {
  if (UUID.test(ref)) return { id: ref, name: ref };
  // Archived workflows count: their runs can still be listed and retried (the server refuses to start new ones).
  const query = { includeArchived: 'true' as const, ...(project ? { projectId: (await targetProject(api, project)).id } : {}) };
  const { items } = await call('Listing workflows', api.GET('/api/workflows', { params: { query } }));
  const found = items.filter((w) => w.name === ref);
  if (!found.length) throw new CliError(EXIT.notFound, 'workflow_not_found', `No workflow named '${ref}'.`);
  if (found.length > 1)
    throw new CliError(
      EXIT.usage,
      'ambiguous_workflow',
      `${found.length} projects have a workflow named '${ref}'; say which with --project.`,
    );
  return { id: found[0]!.id, name: found[0]!.name };
}

/** The run input from `--input`: inline JSON, or a JSON or YAML file (`@file` or a path). */
export function readInput(value: string | undefined): Record<string, unknown> {
  if (value === undefined) return {};
  const trimmed = value.trim();
  let parsed: unknown;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      parsed = JSON.parse(trimmed);
    } catch (err) {
      throw new CliError(EXIT.usage, 'invalid_input', `--input is not valid JSON: ${(err as Error).message}`);
    }
  } else {
    const file = trimmed.startsWith('@') ? trimmed.slice(1) : trimmed;
    if (!existsSync(file)) throw new CliError(EXIT.usage, 'input_not_found', `--input: ${file} is neither JSON nor an existing file`);
    parsed = parseWorkflowText(readFileSync(file, 'utf8'), extname(file) === '.json' ? file : `${file}.yaml`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new CliError(EXIT.usage, 'invalid_input', '--input must be a JSON object (the run input).');
  return parsed as Record<string, unknown>;
}

function readRun(api: ApiClient) {
  // openapi-fetch's reading of the JsonValue fields (input, output) is looser than the schema's type.
  return async (id: string) =>
    (await call('Reading the run', api.GET('/api/runs/{id}', { params: { path: { id } } }))) as unknown as RunView;
}

/** Prints a finished run's output or error; exit 4 when it did not succeed. */
function finish(io: Io, run: RunView): Outcome {
  if (!io.json) {
    if (run.status === 'SUCCEEDED') io.out(`${JSON.stringify(run.output, null, 2)}\n`);
    else
      io.out(
        `${run.status}${run.error ? `: ${run.error.code}${run.error.taskKey ? ` in task ${run.error.taskKey}` : ''}: ${run.error.message}` : ''}\n`,
      );
  }
  return { exitCode: TERMINAL_FAIL.has(run.status) ? EXIT.runFailed : EXIT.ok, data: run };
}

async function watch(io: Io, conn: Connection, api: ApiClient, id: string): Promise<Outcome> {
  const view = io.json ? null : new ProgressView({ write: (t) => io.err(t), isTTY: io.errIsTTY });
  return finish(io, await followRun(conn, id, view, readRun(api)));
}

/** `demiton run <workflow> [--input json|file] [--wait] [--idempotency-key k]`. */
export async function run(
  io: Io,
  flags: Common & {
    workflow: string;
    input?: string | undefined;
    wait: boolean;
    project?: string | undefined;
    idempotencyKey?: string | undefined;
  },
): Promise<Outcome> {
  const input = readInput(flags.input);
  const { conn, api } = connect(io, flags);
  const wf = await findWorkflow(api, flags.workflow, flags.project);
  const accepted = await call(
    `Starting ${wf.name}`,
    api.POST('/api/workflows/{id}/runs', {
      params: { path: { id: wf.id }, ...(flags.idempotencyKey ? { header: { 'Idempotency-Key': flags.idempotencyKey } } : {}) },
      body: { input: input as never },
    }),
  );
  if (!flags.wait) {
    if (!io.json) io.out(`${accepted.id}\n`);
    return { exitCode: EXIT.ok, data: accepted };
  }
  return watch(io, conn, api, accepted.id);
}

/** `demiton runs ls [--workflow name|id] [--status S] [--limit N]`. */
export async function runsList(
  io: Io,
  flags: Common & { workflow?: string | undefined; status?: string | undefined; limit?: string | undefined; project?: string | undefined },
): Promise<Outcome> {
  const { api } = connect(io, flags);
  const STATUSES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
  const status = flags.status?.toUpperCase();
  if (status && !STATUSES.includes(status as never))
    throw new CliError(EXIT.usage, 'invalid_status', `--status must be one of ${STATUSES.join(', ')}`);
  const limit = flags.limit === undefined ? 20 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    throw new CliError(EXIT.usage, 'invalid_limit', '--limit must be a whole number from 1 to 200');
  const workflowId = flags.workflow ? (await findWorkflow(api, flags.workflow, flags.project)).id : undefined;
  const page = await call(
    'Listing runs',
    api.GET('/api/runs', {
      params: {
        query: {
          limit,
          ...(workflowId ? { workflowId } : {}),
          ...(status ? { status: status as (typeof STATUSES)[number] } : {}),
        },
      },
    }),
  );
  if (!io.json) {
    for (const r of page.items)
      io.out(
        `${r.id}  ${r.status.padEnd(9)}  ${r.createdAt}  ${r.workflowName} v${r.workflowVersion}${r.error ? `  ${r.error.code}` : ''}\n`,
      );
    if (!page.items.length) io.out('No runs.\n');
  }
  return { exitCode: EXIT.ok, data: page };
}

function runId(id: string | undefined): string {
  if (!id) throw new CliError(EXIT.usage, 'missing_run_id', 'Say which run: its id.');
  if (!UUID.test(id)) throw new CliError(EXIT.usage, 'invalid_run_id', `'${id}' is not a run id.`);
  return id;
}

/** `demiton runs get <id>`. */
export async function runsGet(io: Io, flags: Common & { id: string | undefined }): Promise<Outcome> {
  const { api } = connect(io, flags);
  const run = await readRun(api)(runId(flags.id));
  if (!io.json) {
    io.out(`run ${run.id}  ${run.workflowName} v${run.workflowVersion}  ${run.status}  attempt ${run.attempt ?? 1}\n`);
    for (const t of run.tasks) io.out(`  ${taskLine(t)}\n`);
    if (run.status === 'SUCCEEDED') io.out(`output: ${JSON.stringify(run.output)}\n`);
    if (run.error) io.out(`error: ${run.error.code}: ${run.error.message}\n`);
  }
  return { exitCode: EXIT.ok, data: run };
}

/** `demiton runs watch <id>`: the live view until the run ends; exit 4 when it fails. */
export async function runsWatch(io: Io, flags: Common & { id: string | undefined }): Promise<Outcome> {
  const { conn, api } = connect(io, flags);
  return watch(io, conn, api, runId(flags.id));
}

/** `demiton runs retry <id> [--wait]`: rerun from the first unfinished task, as a new attempt. */
export async function runsRetry(io: Io, flags: Common & { id: string | undefined; wait: boolean }): Promise<Outcome> {
  const { conn, api } = connect(io, flags);
  const id = runId(flags.id);
  const r = await call('Retrying the run', api.POST('/api/runs/{id}/retry', { params: { path: { id } }, body: { version: 'same' } }));
  if (flags.wait) return watch(io, conn, api, id);
  if (!io.json) io.out(`run ${r.id} attempt ${r.attempt} ${r.status}\n`);
  return { exitCode: EXIT.ok, data: r };
}

/** `demiton runs cancel <id>`. */
export async function runsCancel(io: Io, flags: Common & { id: string | undefined }): Promise<Outcome> {
  const { api } = connect(io, flags);
  const r = await call('Cancelling the run', api.POST('/api/runs/{id}/cancel', { params: { path: { id: runId(flags.id) } } }));
  if (!io.json) io.out(`run ${r.id} ${r.status} (${r.cancelledRuns} run(s) cancelled)\n`);
  return { exitCode: EXIT.ok, data: r };
}

// ---- approvals -----------------------------------------------------------------------------

/** `demiton approvals ls [--all]`: the approvals the caller may decide now (all of the organisation with --all). */
export async function approvalsList(io: Io, flags: Common & { all?: boolean | undefined }): Promise<Outcome> {
  const { api } = connect(io, flags);
  const list = await call('Listing approvals', api.GET('/api/approvals', { params: { query: { status: flags.all ? 'all' : 'pending' } } }));
  if (!io.json) {
    for (const a of list.items)
      io.out(
        `${a.id}  ${a.status.padEnd(9)}  ${a.approvals}/${a.required}  run ${a.runId} task ${a.taskKey}  ${a.title}${a.canDecide ? '' : `  (${a.reason ?? 'not yours to decide'})`}\n`,
      );
    if (!list.items.length) io.out(flags.all ? 'No approvals.\n' : 'Nothing waits for your decision.\n');
  }
  return { exitCode: EXIT.ok, data: list };
}

/** `demiton approvals approve|reject <id> [--comment <text>]`: one decision; 5 when refused (not yours, already decided, closed). */
export async function approvalsDecide(
  io: Io,
  flags: Common & { id: string | undefined; decision: 'approve' | 'reject'; comment?: string | undefined },
): Promise<Outcome> {
  if (!flags.id) throw new CliError(EXIT.usage, 'missing_approval_id', `Say which approval: \`demiton approvals ${flags.decision} <id>\`.`);
  if (!UUID.test(flags.id)) throw new CliError(EXIT.usage, 'invalid_approval_id', `'${flags.id}' is not an approval id.`);
  const { api } = connect(io, flags);
  const a = await call(
    flags.decision === 'approve' ? 'Approving' : 'Rejecting',
    api.POST('/api/approvals/{id}/decision', {
      params: { path: { id: flags.id } },
      body: { decision: flags.decision, ...(flags.comment !== undefined ? { comment: flags.comment } : {}) },
    }),
  );
  if (!io.json)
    io.out(
      `approval ${a.id} ${flags.decision === 'approve' ? 'approved' : 'rejected'}: ${a.status} (${a.approvals}/${a.required}), run ${a.runId}\n`,
    );
  return { exitCode: EXIT.ok, data: a };
}

export { cliEnv };
