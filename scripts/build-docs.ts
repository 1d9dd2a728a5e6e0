// Renders the API reference as one self-contained page, dist/docs/index.html, with Redocly's
// `build-docs --inlineBundle`: the Redoc scripts, styles and the bundled spec are embedded, so the
// page opens from disk or from GitHub Pages without fetching anything.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
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

// The page must not pull code, styles or fonts from the network. Redocly falls back to its CDN when
// --inlineBundle is missing or a template adds a remote tag; catch that here rather than in a
// reader's browser. (Remote URLs inside the inlined JavaScript are links and icons, not loads.)
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
  `build-docs: wrote ${relative(root, output)}, self-contained (no remote script, style or font)`,
);
