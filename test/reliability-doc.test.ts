/**
 * docs/RELIABILITY.md cites, for each promise, the test that proves it. This reads every table
 * of the document and checks that each cited test (or group of tests) exists, by name, in the
 * file cited, so the document cannot point at a test that was renamed or removed.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/consumer-typecheck.js";

interface Citation {
  file: string;
  name: string;
  /** The row it comes from, for messages. */
  row: string;
}

/**
 * Every (file, test name) pair cited in the document's tables. A name goes with the file named
 * before it in the same cell; names before any file go with the table's own file: the one its
 * header names, or else the first one it cites.
 */
function citations(markdown: string): Citation[] {
  const found: Citation[] = [];
  let tableFile: string | undefined;
  let inTable = false;
  for (const line of markdown.split("\n")) {
    if (!line.startsWith("|")) {
      inTable = false;
      continue;
    }
    const cells = line.split("|").slice(1, -1);
    const cited = cells.at(-1) ?? "";
    if (!inTable) {
      inTable = true;
      tableFile = undefined;
    }
    let file = tableFile;
    for (const piece of cited.split(/(`test\/[\w.-]+\.test\.ts`)/)) {
      const named = /^`(test\/[\w.-]+\.test\.ts)`$/.exec(piece);
      if (named) {
        file = named[1];
        tableFile ??= file;
        continue;
      }
      for (const m of piece.matchAll(/"([^"]+)"/g)) {
        if (file) found.push({ file, name: m[1]!, row: cells[0]!.trim() });
      }
    }
  }
  return found;
}

const doc = readFileSync(path.join(ROOT, "docs/RELIABILITY.md"), "utf8");
const cited = citations(doc);

describe("docs/RELIABILITY.md", () => {
  it("cites tests in every section", () => {
    expect(cited.length).toBeGreaterThan(50);
    const files = new Set(cited.map((c) => c.file));
    for (const file of [
      "test/reliability-input.test.ts",
      "test/reliability-faults.test.ts",
      "test/reliability-responses.test.ts",
      "test/reliability-auth.test.ts",
      "test/hostile.test.ts",
      "test/property.test.ts",
    ]) {
      expect(files).toContain(file);
    }
  });

  it("names only tests that exist in the files it cites", () => {
    const missing = cited.filter(({ file, name }) => {
      const source = path.join(ROOT, file);
      return !existsSync(source) || !readFileSync(source, "utf8").includes(`"${name}"`);
    });
    expect(missing).toEqual([]);
  });

  it("finds a citation that does not exist, when given one", () => {
    const broken = citations('| x | y | `test/hostile.test.ts` "a test nobody wrote" |');
    expect(broken).toEqual([
      { file: "test/hostile.test.ts", name: "a test nobody wrote", row: "x" },
    ]);
    const source = readFileSync(path.join(ROOT, broken[0]!.file), "utf8");
    expect(source.includes(`"${broken[0]!.name}"`)).toBe(false);
  });
});
