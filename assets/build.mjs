// Builds oocd_panel/static/build/: our CSS (GOV.UK Frontend compiled with Arial), the GOV.UK
// Frontend JavaScript, the OpenMoji icon set Easy Read letters take their pictures from
// (oocd_panel/letters/pictures.py), and ReDoc for the API's reference page. Fonts and GOV.UK's
// crown images are deliberately not copied.
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

// OpenMoji (CC BY-SA 4.0): the Iconify JSON set, read by the app when it draws an Easy Read letter.
const openmoji = join(root, "node_modules", "@iconify-json", "openmoji");
mkdirSync(join(out, "openmoji"), { recursive: true });
for (const name of ["icons.json", "info.json"]) {
  copyFileSync(join(openmoji, name), join(out, "openmoji", name));
}

// The API's reference page (ReDoc, one self-contained script).
copyFileSync(
  join(root, "node_modules", "redoc", "bundles", "redoc.standalone.js"),
  join(out, "redoc.standalone.js"),
);
console.log("built", out);
