#!/usr/bin/env node
/**
 * `demiton`: workflows as code and runs from a terminal. Commands in cli/commands.ts, exit codes in
 * cli/exit-codes.ts, both documented in docs/cli.md.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import * as cmd from './commands';
import { CliError, EXIT, type ExitCode } from './exit-codes';

const USAGE = `demiton — workflows as code and runs from a terminal

Usage:
  demiton login --url <url> [--api-key <key> | --api-key-stdin] [--profile <name>]
  demiton login --url <url> --device-code [--authority <https://host/tenant>] [--client-id <id>] [--scope <scope>]
  demiton profiles ls | profiles use <name>
  demiton apply -f <file|folder>... [--dry-run] [--prune] [--project <id|name>]
  demiton export [-o <folder>] [--format yaml|json] [--project <id|name>]
  demiton run <workflow> [--input <json|file>] [--wait] [--idempotency-key <key>]
  demiton runs ls [--workflow <name|id>] [--status <status>] [--limit <n>]
  demiton runs get|watch|cancel <run id>
  demiton runs retry <run id> [--wait]
  demiton approvals ls [--all]
  demiton approvals approve|reject <approval id> [--comment <text>]

Every command: --json (machine-readable answer on stdout), --profile <name>, --url <url>.
Environment: DEMITON_CONFIG, DEMITON_PROFILE, DEMITON_URL, DEMITON_API_KEY.
Exit codes: 0 ok, 1 unexpected, 2 usage or invalid file/input, 3 not found, 4 run failed or
cancelled, 5 refused by the server, 6 server unreachable or failing, 7 unsupported by the server.
`;

const COMMON = {
  json: { type: 'boolean' },
  profile: { type: 'string' },
  url: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError(EXIT.usage, 'invalid_arguments', (err as Error).message);
  }
}

function noMore(positionals: string[], from: number): void {
  if (positionals.length > from) throw new CliError(EXIT.usage, 'invalid_arguments', `Unexpected argument '${positionals[from]}'.`);
}

/** Runs one command line; returns the exit code. */
export async function main(argv: string[], io: Omit<cmd.Io, 'json'>): Promise<ExitCode> {
  const [command, ...rest] = argv;
  const json = rest.includes('--json') || command === '--json';
  // With --json, stdout carries the one JSON answer only: the commands' text goes nowhere.
  const full: cmd.Io = { ...io, json, out: json ? () => undefined : io.out };
  try {
    if (!command || command === 'help' || command === '--help' || command === '-h') {
      io.out(USAGE);
      return EXIT.ok;
    }
    if (command === '--version' || command === 'version') {
      io.out('demiton 0.1.0\n');
      return EXIT.ok;
    }
    const outcome = await dispatch(command, rest, full);
    if (json) io.out(`${JSON.stringify(outcome.data, null, 2)}\n`);
    return outcome.exitCode;
  } catch (err) {
    const e = err instanceof CliError ? err : new CliError(EXIT.unexpected, 'unexpected', (err as Error)?.stack ?? String(err));
    if (json)
      io.out(`${JSON.stringify({ error: { code: e.code, message: e.message, exitCode: e.exitCode, details: e.details } }, null, 2)}\n`);
    else io.err(`error: ${e.message}${e.details.map((d) => `\n  ${d.path}: ${d.message}`).join('')}\n`);
    return e.exitCode;
  }
}

async function dispatch(command: string, args: string[], io: cmd.Io): Promise<cmd.Outcome> {
  const help = (v: { help?: boolean | undefined }) => {
    if (v.help) io.out(USAGE);
    return !!v.help;
  };
  const done: cmd.Outcome = { exitCode: EXIT.ok, data: null };
  switch (command) {
    case 'login': {
      const { values, positionals } = parse(args, {
        'api-key': { type: 'string' },
        'api-key-stdin': { type: 'boolean' },
        'device-code': { type: 'boolean' },
        authority: { type: 'string' },
        'client-id': { type: 'string' },
        scope: { type: 'string' },
      });
      if (help(values)) return done;
      noMore(positionals, 0);
      if (values['device-code']) {
        if (values['api-key'] || values['api-key-stdin'])
          throw new CliError(EXIT.usage, 'invalid_arguments', '--device-code signs in with Entra ID; leave out --api-key.');
        return cmd.loginDeviceCode(io, { ...values, clientId: values['client-id'] });
      }
      return cmd.login(io, { ...values, apiKey: values['api-key'], apiKeyStdin: values['api-key-stdin'] });
    }
    case 'profiles': {
      const { values, positionals } = parse(args, {});
      if (help(values)) return done;
      const [sub, name] = positionals;
      if (sub === 'ls' || sub === undefined) return cmd.profilesList(io);
      if (sub === 'use' && name) return cmd.profilesUse(io, name);
      throw new CliError(EXIT.usage, 'invalid_arguments', 'Usage: demiton profiles ls | profiles use <name>');
    }
    case 'apply': {
      const { values, positionals } = parse(args, {
        file: { type: 'string', short: 'f', multiple: true },
        'dry-run': { type: 'boolean' },
        prune: { type: 'boolean' },
        project: { type: 'string' },
      });
      if (help(values)) return done;
      noMore(positionals, 0);
      return cmd.apply(io, { ...values, files: values.file ?? [], dryRun: !!values['dry-run'], prune: !!values.prune });
    }
    case 'export': {
      const { values, positionals } = parse(args, {
        out: { type: 'string', short: 'o' },
        format: { type: 'string' },
        project: { type: 'string' },
      });
      if (help(values)) return done;
      noMore(positionals, 0);
      const format = values.format ?? 'yaml';
      if (format !== 'yaml' && format !== 'json') throw new CliError(EXIT.usage, 'invalid_arguments', '--format must be yaml or json');
      return cmd.exportWorkflows(io, { ...values, out: values.out ?? 'workflows', format });
    }
    case 'run': {
      const { values, positionals } = parse(args, {
        input: { type: 'string', short: 'i' },
        wait: { type: 'boolean', short: 'w' },
        project: { type: 'string' },
        'idempotency-key': { type: 'string' },
      });
      if (help(values)) return done;
      const [workflow] = positionals;
      if (!workflow) throw new CliError(EXIT.usage, 'missing_workflow', 'Say which workflow: `demiton run <name|id>`.');
      noMore(positionals, 1);
      return cmd.run(io, { ...values, workflow, wait: !!values.wait, idempotencyKey: values['idempotency-key'] });
    }
    case 'runs': {
      const { values, positionals } = parse(args, {
        workflow: { type: 'string' },
        status: { type: 'string' },
        limit: { type: 'string' },
        project: { type: 'string' },
        wait: { type: 'boolean', short: 'w' },
      });
      if (help(values)) return done;
      const [sub, id] = positionals;
      noMore(positionals, sub === 'ls' ? 1 : 2);
      switch (sub) {
        case 'ls':
          return cmd.runsList(io, values);
        case 'get':
          return cmd.runsGet(io, { ...values, id });
        case 'watch':
          return cmd.runsWatch(io, { ...values, id });
        case 'retry':
          return cmd.runsRetry(io, { ...values, id, wait: !!values.wait });
        case 'cancel':
          return cmd.runsCancel(io, { ...values, id });
        default:
          throw new CliError(EXIT.usage, 'invalid_arguments', 'Usage: demiton runs ls|get|watch|retry|cancel');
      }
    }
    case 'approvals': {
      const { values, positionals } = parse(args, { all: { type: 'boolean' }, comment: { type: 'string' } });
      if (help(values)) return done;
      const [sub, id] = positionals;
      noMore(positionals, sub === 'ls' || sub === undefined ? 1 : 2);
      switch (sub) {
        case 'ls':
        case undefined:
          return cmd.approvalsList(io, values);
        case 'approve':
        case 'reject':
          return cmd.approvalsDecide(io, { ...values, id, decision: sub });
        default:
          throw new CliError(EXIT.usage, 'invalid_arguments', 'Usage: demiton approvals ls|approve|reject');
      }
    }
    default:
      throw new CliError(EXIT.usage, 'unknown_command', `Unknown command '${command}'; \`demiton help\` lists them.`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

if (require.main === module) {
  void main(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    errIsTTY: !!process.stderr.isTTY,
    env: cmd.cliEnv(),
    readStdin,
  }).then((code) => {
    process.exitCode = code;
  });
}
