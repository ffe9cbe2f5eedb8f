/**
 * Token log probabilities for an answer's text, in OpenAI's shape, when the
 * request asks for them (Chat: `logprobs: true`; Responses: `include` names
 * `message.output_text.logprobs`). The values are made up but well formed:
 * a field parallellm does not map, which its raw responses must keep.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
 */

/** One entry per word of `text`, each with `topCount` alternatives. */
export function openaiLogprobs(text: string, topCount: number): unknown[] {
  return (text.match(/\S+\s*/g) ?? []).map((token, index) => ({
    token,
    logprob: -0.01 * (index + 1),
    bytes: [...Buffer.from(token)],
    top_logprobs: Array.from({ length: topCount }, (_, rank) => ({
      token: rank === 0 ? token : `${token.trim()}${rank}`,
      logprob: -0.01 * (index + 1) * (rank + 1),
      bytes: [...Buffer.from(token)],
    })),
  }));
}

/** `top_logprobs` of a request, as a count (0 when absent or not a whole number). */
export function topLogprobsOf(request: Record<string, unknown>): number {
  const count = request.top_logprobs;
  return typeof count === "number" && Number.isInteger(count) && count > 0 ? count : 0;
}
