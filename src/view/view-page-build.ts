/**
 * Bundles the viewer's page (`src/view/page/`: Preact, TSX) with esbuild into its
 * three files, in memory. `npm run build` writes them to `dist/view/assets/`
 * (`scripts/build-view-page.ts`); run from source, the server bundles them at start.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { contentTypeOf, type ViewAssets } from "./view-assets.js";

const page = new URL("./page/", import.meta.url);

/** The page's `index.html`, `app.js` and `app.css`. */
export async function buildViewPage(): Promise<ViewAssets> {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: { app: fileURLToPath(new URL("main.tsx", page)) },
    bundle: true,
    write: false,
    outdir: "/",
    format: "esm",
    target: "es2022",
    minify: true,
    jsx: "automatic",
    jsxImportSource: "preact",
    legalComments: "none",
    logLevel: "silent",
  });
  const files = new Map(
    result.outputFiles.map((file) => [
      basename(file.path),
      { body: file.contents, contentType: contentTypeOf(file.path) },
    ]),
  );
  const index = readFileSync(new URL("index.html", page));
  files.set("index.html", { body: index, contentType: contentTypeOf("index.html") });
  return files;
}
