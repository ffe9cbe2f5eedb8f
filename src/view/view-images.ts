/**
 * The images of a stored request: found in document order, so the page names
 * one by its index, and served from the stored bytes. Only raster types a
 * browser shows as a picture are served as such: an SVG or anything else stored
 * goes out as a download, never as a document of this origin.
 */

/** An image part of a request as the store keeps it: base64 bytes and their MIME type. */
export interface StoredImage {
  readonly mediaType: string;
  readonly data: string;
}

const pictureTypes = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/bmp"]);

/** Whether `value` is an image part with its bytes (not a URL). */
export function isStoredImage(value: unknown): value is StoredImage & { readonly type: "image" } {
  const part = value as { type?: unknown; data?: unknown; mediaType?: unknown } | null;
  return (
    typeof part === "object" &&
    part !== null &&
    part.type === "image" &&
    typeof part.data === "string" &&
    typeof part.mediaType === "string"
  );
}

/** Every image with bytes in `request`, in document order. */
export function imagesOf(request: unknown): StoredImage[] {
  const found: StoredImage[] = [];
  const visit = (value: unknown): void => {
    if (isStoredImage(value)) found.push(value);
    else if (Array.isArray(value)) for (const item of value) visit(item);
    else if (typeof value === "object" && value !== null) for (const item of Object.values(value)) visit(item);
  };
  visit(request);
  return found;
}

/**
 * `request` with each image's bytes replaced by its index and size (the page loads the
 * picture from `/api/call/image`), so a call's detail stays small however large its images.
 */
export function withImageReferences(request: unknown): unknown {
  let index = 0;
  const map = (value: unknown): unknown => {
    if (isStoredImage(value)) {
      const { data, ...rest } = value;
      return { ...rest, image: index++, bytes: Buffer.byteLength(data, "base64") };
    }
    if (Array.isArray(value)) return value.map(map);
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, map(item)]));
    }
    return value;
  };
  return map(request);
}

/** The bytes of `image` and the headers to send them with. */
export function imageResponseOf(image: StoredImage): {
  readonly body: Buffer;
  readonly headers: Record<string, string>;
} {
  const shown = pictureTypes.has(image.mediaType.toLowerCase());
  return {
    body: Buffer.from(image.data, "base64"),
    headers: shown
      ? { "Content-Type": image.mediaType.toLowerCase(), "Cache-Control": "private, max-age=3600" }
      : { "Content-Type": "application/octet-stream", "Content-Disposition": "attachment" },
  };
}
