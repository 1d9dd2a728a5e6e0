/**
 * The public surface of the two entry points, as a user meets it: which values they export (the
 * documented API and nothing the generator or the client keeps for itself), and what an editor
 * shows on hover over each name a program imports. Every exported name must carry a description
 * there; a name without one leaves the user guessing what it is for.
 */
import { writeFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import path from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operations } from "../generated/operations.js";
import { ROOT } from "./helpers/consumer-typecheck.js";

const ENTRIES = {
  "atlas-invites": path.join(ROOT, "src/index.ts"),
  "atlas-invites/testing": path.join(ROOT, "src/testing/index.ts"),
} as const;

const options: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: ["node"],
  paths: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, [file]])),
};

let dir: string;
/** The hover text of each exported name, by entry point and name ("" when there is none). */
const hover = new Map<string, Map<string, string>>();
/** The `@example` blocks the hover shows, by exported name. */
const examples = new Map<string, string[]>();

beforeAll(async () => {
  const program = ts.createProgram(Object.values(ENTRIES), options);
  const checker = program.getTypeChecker();
  const exportsOf = (file: string) =>
    checker
      .getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)!)!)
      .map((symbol) => symbol.name);
  // A consumer that imports every name under an alias of its own, so each import specifier is a
  // place to ask the language service what an editor shows there.
  const lines = Object.entries(ENTRIES).map(
    ([spec, file], i) =>
      `import { ${exportsOf(file)
        .map((name) => `type ${name} as E${i}_${name}`)
        .join(", ")} } from "${spec}";`,
  );
  await mkdir(path.join(ROOT, ".tmp"), { recursive: true });
  dir = await mkdtemp(path.join(ROOT, ".tmp", "exports-"));
  const consumer = path.join(dir, "consumer.ts");
  const text = `${lines.join("\n")}\n`;
  await writeFile(consumer, text);
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [consumer],
    getScriptVersion: () => "1",
    getScriptSnapshot: (file) => {
      const content = file === consumer ? text : ts.sys.readFile(file);
      return content === undefined ? undefined : ts.ScriptSnapshot.fromString(content);
    },
    getCurrentDirectory: () => dir,
    getDefaultLibFileName: ts.getDefaultLibFilePath,
    fileExists: (file) => ts.sys.fileExists(file),
    readFile: (file) => ts.sys.readFile(file),
  };
  const service = ts.createLanguageService(host);
  for (const [i, spec] of Object.keys(ENTRIES).entries()) {
    const docs = new Map<string, string>();
    for (const match of lines[i]!.matchAll(/type (\w+) as/g)) {
      const offset = text.indexOf(lines[i]!) + match.index + "type ".length;
      const info = service.getQuickInfoAtPosition(consumer, offset);
      docs.set(match[1]!, ts.displayPartsToString(info?.documentation ?? []).trim());
      const blocks = (info?.tags ?? [])
        .filter((tag) => tag.name === "example")
        .map((tag) => ts.displayPartsToString(tag.text ?? []));
      if (blocks.length > 0) examples.set(`${spec}: ${match[1]!}`, blocks);
    }
    hover.set(spec, docs);
  }
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("public exports", () => {
  it("atlas-invites exports these values and no other", async () => {
    const values = Object.keys(await import("../src/index.js")).sort();
    expect(values).toEqual([
      "AtlasApiError",
      "AtlasAuthError",
      "AtlasError",
      "AtlasTimeoutError",
      "AtlasValidationError",
      "DEFAULT_BASE_URL",
      "KNOWN_PROJECT_ROLES",
      "OPERATION_IDS",
      "ORG_ROLES",
      "accessToken",
      "apiKey",
      "createAtlasInvites",
      "fromEnv",
      "isAtlasApiError",
      "serviceAccount",
    ]);
  });

  it("atlas-invites/testing exports these values and no other", async () => {
    const values = Object.keys(await import("../src/testing/index.js")).sort();
    expect(values).toEqual(["DEFAULT_EXTRA_FIELDS", "DEFAULT_MAX_REQUEST_BYTES", "startFakeAtlas"]);
  });

  for (const spec of Object.keys(ENTRIES)) {
    it(`every name ${spec} exports shows a description on hover`, () => {
      const docs = hover.get(spec)!;
      // Enough names were found for the check to mean something.
      expect(docs.size).toBeGreaterThan(spec === "atlas-invites" ? 80 : 30);
      const undocumented = [...docs].filter(([, doc]) => doc === "").map(([name]) => name);
      expect(undocumented).toEqual([]);
    });
  }

  it("every exported name is named in README.md or docs/FAKE-ATLAS.md", async () => {
    const text = (
      await Promise.all(
        ["README.md", "docs/FAKE-ATLAS.md"].map((f) => readFile(path.join(ROOT, f), "utf8")),
      )
    ).join("\n");
    const named = new Set(text.match(/\w+/g));
    const unnamed = [...hover].flatMap(([spec, docs]) =>
      [...docs.keys()].filter((name) => !named.has(name)).map((name) => `${spec}: ${name}`),
    );
    expect(hover.get("atlas-invites")!.size).toBeGreaterThan(80);
    expect(unnamed).toEqual([]);
  });

  it("no hover text is a note meant for the project's maintainers", () => {
    const notes = [...hover.values()]
      .flatMap((docs) => [...docs])
      .filter(([, doc]) => /npm run generate|do not edit/i.test(doc))
      .map(([name]) => name);
    expect(notes).toEqual([]);
  });

  it("no example an editor shows calls an operation that is deprecated", () => {
    const deprecated = Object.values(operations)
      .filter((op) => op.deprecated)
      .map((op) => op.operationId);
    expect(deprecated.length).toBeGreaterThan(0);
    // The examples were found at all: createAtlasInvites has one.
    expect([...examples.keys()]).toContain("atlas-invites: createAtlasInvites");
    const calls = [...examples].flatMap(([name, blocks]) =>
      deprecated
        .filter((id) => blocks.some((b) => b.includes(`.${id}(`)))
        .map((id) => `${name} calls ${id}`),
    );
    expect(calls).toEqual([]);
  });
});
