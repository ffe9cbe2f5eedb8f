/** Where the user made an ask, for the errors of calls that fail. */

/** A stack captured at the ask (`Error.captureStackTrace`), formatted only if the call fails. */
export interface AskSite {
  readonly stack?: string | undefined;
}

/** `file:line:column` of the user's ask, from an Error captured there. */
export function askLocation(site: AskSite | undefined): string | undefined {
  const stack = site?.stack;
  if (!stack) return undefined;
  for (const line of stack.split("\n").slice(1)) {
    const match = /\(?((?:file:\/\/)?[^()\s]+:\d+:\d+)\)?\s*$/.exec(line.trim());
    if (match && !/node_modules|node:internal/.test(match[1])) return match[1].replace(/^file:\/\//, "");
  }
  return undefined;
}
