// Renders the API reference as one self-contained page, dist/docs/index.html, with Redocly's
// `build-docs --inlineBundle`: the Redoc scripts, styles and the bundled spec are embedded, so the
// page opens from disk or from GitHub Pages without fetching anything.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

//   npm run docs                                   dist/docs/index.html from the spec in redocly.yaml
//   npm run docs -- out/index.html                 the same page elsewhere
//   npm run docs -- out/index.html --spec x.json   a page from another copy of the spec (the
//                                                  browser check builds broken copies this way)
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const specAt = args.indexOf("--spec");
const spec = specAt >= 0 ? args[specAt + 1] : undefined;
if (specAt >= 0 && spec === undefined) {
  console.error("build-docs: --spec needs a file");
  process.exit(2);
}
const positional = args.filter((_, i) => specAt < 0 || (i !== specAt && i !== specAt + 1));
const output = resolve(root, positional[0] ?? "dist/docs/index.html");

// Redoc rendering options. They travel on the command line (`--openapi`) because they only
// concern this page; the spec and its lint rules stay in redocly.yaml under the `atlas-invites` alias.
const redocOptions = {
  // Redoc 3 can report page events to Redocly; a reference for this package reports nothing.
  disableTelemetry: true,
  // Print the sunset date, the Atlas role needed and the replacement operation right under each
  // operation's title, where a reader looks first.
  showExtensions: [
    "x-sunset",
    "x-rolesRequirements",
    "x-replacement",
    "x-xgen-operation-id-override",
  ],
  codeSamples: {
    // Redoc shows an operation's x-codeSamples entry only when its label matches one of these
    // languages, and the first one is what the sample panel opens with. "Payload" is the request
    // body example.
    languages: [
      { lang: "TypeScript", label: "atlas-invites" },
      { lang: "payload", label: "Payload" },
    ],
  },
};

const require = createRequire(import.meta.url);
const cliPackage = require.resolve("@redocly/cli/package.json");
const cliBin = join(dirname(cliPackage), "bin", "cli.js");

const result = spawnSync(
  process.execPath,
  [
    cliBin,
    "build-docs",
    spec === undefined ? "atlas-invites" : resolve(spec),
    "--inlineBundle",
    "--output",
    output,
    "--openapi",
    JSON.stringify(redocOptions),
  ],
  { cwd: root, stdio: "inherit", env: { ...process.env, REDOCLY_TELEMETRY: "off" } },
);
if (result.status !== 0) {
  console.error(`build-docs: redocly build-docs failed (exit ${String(result.status)})`);
  process.exit(result.status ?? 1);
}

// Redoc's sidebar credits Redocly with an image from Redocly's CDN. The page must open without a
// network and tell no one it was opened, so the image becomes a small inline SVG of our own that
// says the same; the link to Redocly stays.
const credit =
  "data:image/svg+xml," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="16" viewBox="0 0 64 16">' +
      '<text x="0" y="12" font-family="sans-serif" font-size="12" fill="currentColor">Redocly</text>' +
      "</svg>",
  );
const REMOTE_CREDIT = /https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(?:-full)?\.svg/g;
const built = readFileSync(output, "utf8");
const credits = built.match(REMOTE_CREDIT)?.length ?? 0;
if (credits === 0) {
  console.error("build-docs: Redoc's credit image was not found; check what the page loads now");
  process.exit(1);
}
writeFileSync(output, built.replace(REMOTE_CREDIT, credit));

// The page must not pull code, styles, fonts or images from the network. Redocly falls back to its
// CDN when --inlineBundle is missing or a template adds a remote tag; catch that here rather than
// in a reader's browser. (The links in the inlined JavaScript are links, not loads; the browser
// check opens the page offline and fails on any request that leaves it.)
const html = readFileSync(output, "utf8");
const remoteLoads = [
  ...html.matchAll(/<script\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?\/\/[^"'\s>]+/gi),
  ...html.matchAll(/<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?\/\/[^"'\s>]+/gi),
  ...html.matchAll(/\b(?:from|import)\s*\(?\s*["'`](?:https?:)?\/\/[^"'`]+/g),
  ...html.matchAll(/@import\s+(?:url\()?\s*["']?(?:https?:)?\/\//gi),
  ...html.matchAll(/@font-face\s*\{[^}]*url\(\s*["']?(?:https?:)?\/\//gi),
].map((match) => match[0]);
if (remoteLoads.length > 0) {
  console.error("build-docs: the page loads resources from the network:");
  for (const load of remoteLoads) console.error(`  ${load}`);
  process.exit(1);
}
console.log(
  `build-docs: wrote ${relative(root, output)}, self-contained (no remote script, style, font or image)`,
);
