/** The `InputError` for a content part a message of that role cannot carry. */
import { InputError } from "../../core/errors.js";
import type { ContentPart, Message } from "../../core/llm.js";

/** Tool calls belong to assistant turns; tool results, images and files to user turns. */
export function misplacedPartError(part: ContentPart, role: Message["role"]): InputError {
  return new InputError(
    `[openai] A \`${part.type}\` part cannot be sent in a${role === "user" ? "" : "n"} ${role} message. ` +
      "Tool calls belong to assistant turns (pass the previous response); text, images, files and tool results to user turns.",
  );
}
