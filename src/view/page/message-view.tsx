/**
 * A message's content parts as the page shows them: text as text, images from
 * the call's stored bytes, files by name, tool calls and results as JSON. The call
 * page and the conversation page show messages alike.
 */
import type { CallKey } from "../../store/store.js";
import { JsonBlock, TextBlock } from "./parts.js";
import { hrefOf } from "./router.js";

/** A content part as the API gives it: an image's bytes are replaced by its index (`image`) and size. */
export interface ShownPart {
  readonly type: string;
  readonly text?: string;
  readonly mediaType?: string;
  readonly url?: string;
  readonly image?: number;
  readonly bytes?: number;
  readonly filename?: string;
  readonly name?: string;
  readonly args?: unknown;
  readonly output?: unknown;
  readonly isError?: boolean;
}

export interface ShownMessage {
  readonly role: string;
  readonly content: readonly ShownPart[] | string;
}

/** One message; `call` is the call whose request holds it (for its images). */
export function MessageView(props: { message: ShownMessage; call?: CallKey | undefined }) {
  const { message } = props;
  const parts = typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
  return (
    <div class={`message message-${message.role}`}>
      <div class="role">{message.role}</div>
      {parts.map((part, index) => (
        <PartView part={part} call={props.call} key={index} />
      ))}
    </div>
  );
}

// --- internal ---

function PartView(props: { part: ShownPart; call?: CallKey | undefined }) {
  const { part, call } = props;
  switch (part.type) {
    case "text":
      return <TextBlock text={part.text ?? ""} />;
    case "image":
      if (part.image !== undefined && call !== undefined) {
        const src = hrefOf("/api/call/image", { ...call, index: part.image });
        return (
          <figure class="image">
            <img src={src} alt={`Document ${part.image + 1} of the request (${part.mediaType})`} />
            <figcaption>
              {part.mediaType}, {part.bytes?.toLocaleString("en-US")} bytes
            </figcaption>
          </figure>
        );
      }
      return (
        <p class="quiet">
          {part.url === undefined
            ? `An image (${part.mediaType}): the page of its call shows it.`
            : `An image at ${part.url}`}
        </p>
      );
    case "file":
      return (
        <p class="quiet">
          File {part.filename ?? ""} ({part.mediaType}){part.url ? ` at ${part.url}` : ""}
        </p>
      );
    case "tool-call":
      return (
        <div class="tool">
          <div>
            Tool call <strong>{part.name}</strong>
          </div>
          <JsonBlock value={part.args} />
        </div>
      );
    case "tool-result":
      return (
        <div class="tool">
          <div>
            Tool result of <strong>{part.name}</strong>
            {part.isError ? " (an error)" : ""}
          </div>
          <JsonBlock value={part.output} />
        </div>
      );
    default:
      return <JsonBlock value={part} />;
  }
}
