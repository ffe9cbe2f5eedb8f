/** A user error the CLI reports in one line (no stack), exiting 1: a pipeline file that is missing or cannot be loaded. */
export class CliError extends Error {
  override name = "CliError";
}

/** A malformed command line (a flag without a valid value): the CLI prints the usage and the message, exiting 2. */
export class UsageError extends CliError {
  override name = "UsageError";
}
