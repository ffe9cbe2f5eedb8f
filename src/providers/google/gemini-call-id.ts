/**
 * Gemini often answers a function call without an `id`; the neutral result
 * still needs one to pair the call with its result. These ids are made up
 * here, so they are never sent back to Gemini.
 */

/** The id given to the `index`-th function call of a response that carried none. */
export function generatedCallId(index: number): string {
  return `call_${index}`;
}

/** Whether `id` was made up by `generatedCallId` (and so must not be sent to Gemini). */
export function isGeneratedCallId(id: string): boolean {
  return /^call_\d+$/.test(id);
}
