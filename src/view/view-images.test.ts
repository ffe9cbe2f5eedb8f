import { describe, expect, it } from "vitest";
import { imageResponseOf, imagesOf, withImageReferences } from "./view-images.js";

const png = { type: "image", mediaType: "image/png", data: Buffer.from("png bytes").toString("base64") };
const svg = { type: "image", mediaType: "image/svg+xml", data: Buffer.from("<svg onload='x()'/>").toString("base64") };
const request = {
  instructions: "Look.",
  messages: [
    {
      role: "user",
      content: [
        { type: "text", text: "Two pictures:" },
        png,
        { type: "image", mediaType: "image/png", url: "https://example.com/a.png" },
        svg,
      ],
    },
  ],
};

describe("the images of a stored request", () => {
  it("are found in document order, those with bytes only", () => {
    expect(imagesOf(request)).toEqual([png, svg]);
  });

  it("are replaced by their index and size in the detail the page gets", () => {
    const content = (withImageReferences(request) as typeof request).messages[0]!.content;
    expect(content).toEqual([
      { type: "text", text: "Two pictures:" },
      { type: "image", mediaType: "image/png", image: 0, bytes: 9 },
      { type: "image", mediaType: "image/png", url: "https://example.com/a.png" },
      { type: "image", mediaType: "image/svg+xml", image: 1, bytes: 19 },
    ]);
  });

  it("are served as pictures when a browser shows them as such, and anything else (an SVG's script) as a download", () => {
    expect(imageResponseOf(png)).toEqual({
      body: Buffer.from("png bytes"),
      headers: { "Content-Type": "image/png", "Cache-Control": "private, max-age=3600" },
    });
    expect(imageResponseOf(svg).headers).toEqual({
      "Content-Type": "application/octet-stream",
      "Content-Disposition": "attachment",
    });
  });
});
