/**
 * The page the viewer serves: `index.html`, `app.js` and `app.css`, built by
 * esbuild into `dist/view/assets/` at `npm run build`, so the package ships them.
 * Run from source (tests, `tsx`), there is no build: the page is bundled in memory
 * from `src/view/page/` instead (esbuild, a dev dependency, takes milliseconds).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";

/** A file of the page and its content type. */
export interface ViewAsset {
  readonly body: Uint8Array;
  readonly contentType: string;
}

/** The page's files by name (`index.html`, `app.js`, `app.css`). */
export type ViewAssets = ReadonlyMap<string, ViewAsset>;

const contentTypes: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** The content type of a page file named `name`. */
export function contentTypeOf(name: string): string {
  return contentTypes[extname(name)] ?? "application/octet-stream";
}

let loaded: Promise<ViewAssets> | undefined;

/** The page's files: the built ones beside this module, else bundled from the sources (once per process). */
export function loadViewAssets(): Promise<ViewAssets> {
  loaded ??= readOrBuild().catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}

// --- internal ---

async function readOrBuild(): Promise<ViewAssets> {
  const built = fileURLToPath(new URL("./assets/", import.meta.url));
  if (existsSync(`${built}index.html`)) {
    return new Map(
      readdirSync(built).map((name) => [
        name,
        { body: readFileSync(`${built}${name}`), contentType: contentTypeOf(name) },
      ]),
    );
  }
  if (existsSync(fileURLToPath(new URL("./page/main.tsx", import.meta.url)))) {
    const { buildViewPage } = await import("./view-page-build.js");
    return buildViewPage();
  }
  throw new Error(
    `The viewer's page is missing from ${built}: the package was built without it. Rebuild it with npm run build.`,
  );
}
