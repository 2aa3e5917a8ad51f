/** @module cli/errors — a CLI failure: what went wrong, what to do, and the exit code. */

export class CLIError extends Error {
  readonly code = 'CLI_ERROR' as const;
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly hint?: string,
  ) {
    super(message);
  }
}
