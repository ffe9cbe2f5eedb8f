/** `npm run build`'s last step: bundles the viewer's page into `dist/view/assets/`, which the package ships. */
import { mkdirSync, writeFileSync } from "node:fs";
import { buildViewPage } from "../src/view/view-page-build.js";

const target = new URL("../dist/view/assets/", import.meta.url);
mkdirSync(target, { recursive: true });
for (const [name, asset] of await buildViewPage()) writeFileSync(new URL(name, target), asset.body);
