/**
 * Identifiers shaped like each provider's: `resp_…`, `chatcmpl-…`, `msg_01…`,
 * `toolu_01…`, `req_…`. Random, so two responses never share an id.
 */
import { randomBytes } from "node:crypto";

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function _base62(length: number): string {
  const bytes = randomBytes(length);
  let text = "";
  for (const byte of bytes) text += base62[byte % base62.length];
  return text;
}

function _hex(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString("hex")
    .slice(0, length);
}

/** Id generators, one per kind of object. */
export const wireIds = {
  openaiResponse: () => `resp_${_hex(48)}`,
  openaiMessage: () => `msg_${_hex(48)}`,
  openaiFunctionCall: () => `fc_${_hex(48)}`,
  openaiCall: () => `call_${_base62(24)}`,
  openaiChatCompletion: () => `chatcmpl-${_base62(29)}`,
  openaiRequest: () => `req_${_hex(32)}`,
  anthropicMessage: () => `msg_01${_base62(22)}`,
  anthropicToolUse: () => `toolu_01${_base62(22)}`,
  anthropicRequest: () => `req_011C${_base62(20)}`,
  geminiResponse: () => _base62(23),
};
