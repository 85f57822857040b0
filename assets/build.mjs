// Builds oocd_panel/static/build/: our CSS (GOV.UK Frontend compiled with Arial) and the GOV.UK
// Frontend JavaScript. Fonts and GOV.UK's crown images are deliberately not copied.
import { mkdirSync, copyFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "oocd_panel", "static", "build");
mkdirSync(out, { recursive: true });

const result = sass.compile(join(root, "assets", "scss", "main.scss"), {
  importers: [new sass.NodePackageImporter(root)],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin"],
});
if (result.css.includes("GDS Transport")) {
  throw new Error("compiled CSS still names GDS Transport");
}
writeFileSync(join(out, "main.css"), result.css);

const dist = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
copyFileSync(join(dist, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
console.log("built", out);
