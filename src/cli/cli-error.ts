/** A usage or input error: the CLI prints the message (no stack) and exits 1. */
export class CliError extends Error {
  override name = "CliError";
}
