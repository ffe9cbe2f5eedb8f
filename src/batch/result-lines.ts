/**
 * Tells a batch's result lines apart as they arrive, chunk after chunk: the
 * first result of a custom id is passed on; an exact repeat is dropped with a
 * warning; a different result under the same id drops every result of that id
 * (which one is right cannot be known) — including one passed on in an earlier
 * chunk, which is then `withdrawn` — so the call counts as unanswered and is
 * collected again.
 */
import type { BatchItemResult, BatchResultLine } from "../providers/provider.js";

/** A line whose outcome is kept: the line as received, and its per-request outcome. */
export interface AcceptedLine {
  readonly raw: string;
  readonly outcome: BatchItemResult;
}

export class ResultLines {
  readonly warnings: string[] = [];
  readonly #tag: string;
  readonly #lineAt: (offset: number) => string;
  /** Where in the archive each custom id was first seen: a repeat is compared with that line, read back. */
  readonly #seen = new Map<string, number>();
  readonly #conflicting = new Set<string>();
  readonly #withdrawn: string[] = [];

  /** `lineAt(offset)`: an archived line, by the offset `accept` was given for it. */
  constructor(tag: string, lineAt: (offset: number) => string) {
    this.#tag = tag;
    this.#lineAt = lineAt;
  }

  /** The lines of `lines` to keep, by custom id; `offsets[i]` is where `lines[i]` was archived. */
  accept(lines: readonly BatchResultLine[], offsets: readonly number[]): Map<string, AcceptedLine> {
    const kept = new Map<string, AcceptedLine>();
    for (const [index, { raw, outcome }] of lines.entries()) {
      if ("warning" in outcome) {
        this.warnings.push(`${this.#tag}: ${outcome.warning}`);
        continue;
      }
      const { customId } = outcome;
      if (this.#conflicting.has(customId)) {
        this.warnings.push(`${this.#tag}: custom id "${customId}" appears again; all its results are left out.`);
        continue;
      }
      const earlier = this.#seen.get(customId);
      if (earlier === undefined) {
        this.#seen.set(customId, offsets[index]);
        kept.set(customId, { raw, outcome });
      } else if (this.#lineAt(earlier) === raw) {
        this.warnings.push(`${this.#tag}: a repeated result for custom id "${customId}" was kept once.`);
      } else {
        this.#conflicting.add(customId);
        this.warnings.push(
          `${this.#tag}: custom id "${customId}" has two different results; all its results are left out.`,
        );
        if (!kept.delete(customId)) this.#withdrawn.push(customId);
      }
    }
    return kept;
  }

  /** True when `customId` has exactly one result: seen, and never contradicted. */
  settled(customId: string): boolean {
    return this.#seen.has(customId) && !this.#conflicting.has(customId);
  }

  /** Custom ids passed on by an earlier `accept` whose results later disagreed. */
  get withdrawn(): readonly string[] {
    return this.#withdrawn;
  }
}
