/** The exit codes of `demiton`, documented in docs/cli.md; scripts rely on them, so they never change meaning. */
export const EXIT = {
  /** The command did what was asked (for `run --wait` and `runs watch`: the run SUCCEEDED). */
  ok: 0,
  /** Something unexpected (a bug, or an answer the CLI does not understand). */
  unexpected: 1,
  /** Bad usage or bad local input: unknown flag, unreadable or invalid workflow file, input that is not JSON. */
  usage: 2,
  /** The workflow or run named does not exist (or is not visible to the caller). */
  notFound: 3,
  /** The run ended FAILED or CANCELLED (`run --wait`, `runs watch`). */
  runFailed: 4,
  /** The server refused the request: invalid definition, conflict, missing role or credentials. */
  refused: 5,
  /** The server could not be reached, or answered 5xx. */
  unavailable: 6,
  /** The server does not offer what was asked (e.g. `--prune` where workflows cannot be archived). */
  unsupported: 7,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI reports as one line (and as `{ error }` with --json) before exiting with `exitCode`. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    readonly code: string,
    message: string,
    readonly details: ReadonlyArray<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}
