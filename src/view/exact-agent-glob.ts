/** A glob (as `CallFilter.agent` takes it) that matches exactly `name`, whatever glob characters it holds: `[*]` is a literal `*`. */
export function exactAgentGlob(name: string): string {
  return name.replace(/[*?[]/g, "[$&]");
}
