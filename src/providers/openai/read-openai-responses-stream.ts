/**
 * Reads a Responses API stream (`stream: true`): text deltas are handed on as
 * they arrive, and the Response of `response.completed` (or
 * `response.incomplete`) is the answer, read as a non-streamed one is.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
import type OpenAI from "openai";
import { TransientProviderError } from "../../core/errors.js";

/** The final Response of `events`; `undefined` when the stream ended without one. */
export async function readOpenAIResponsesStream(
  events: AsyncIterable<OpenAI.Responses.ResponseStreamEvent>,
  onTextDelta: (delta: string) => void,
  where: { readonly provider: string; readonly model: string },
): Promise<OpenAI.Responses.Response | undefined> {
  for await (const event of events) {
    switch (event.type) {
      case "response.output_text.delta":
        onTextDelta(event.delta);
        break;
      case "response.completed":
      case "response.incomplete":
        return event.response;
      case "response.failed": {
        const message = event.response.error?.message ?? "no message";
        throw new TransientProviderError(
          "server",
          `${where.provider} (${where.model}) failed while streaming its answer: ${message}. The call is retried with backoff, and a rerun retries it again.`,
          { ...where, providerMessage: message },
        );
      }
    }
  }
  return undefined;
}
