/**
 * docs/MIGRATING.md: every TypeScript block compiles against the package's types (a copy that
 * calls a method the client does not have does not), each deprecated operation has its "Before"
 * and its replacement "After", and the guide states the sunset date and upstream's caveat.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, typeCheck, writeConsumerTsconfig } from "./helpers/consumer-typecheck.js";

/** Each TypeScript block with the `##` section it sits in. */
interface Block {
  section: string;
  code: string;
}

let markdown: string;
let blocks: Block[];
let dir: string;

beforeAll(async () => {
  markdown = await readFile(path.join(ROOT, "docs/MIGRATING.md"), "utf8");
  blocks = [];
  let section = "";
  for (const part of markdown.split(/^(## .*)$/m)) {
    if (part.startsWith("## ")) section = part.slice(3).trim();
    else
      for (const m of part.matchAll(/^```ts\n([\s\S]*?)^```$/gm))
        blocks.push({ section, code: m[1]! });
  }
  await mkdir(path.join(ROOT, ".tmp"), { recursive: true });
  dir = await mkdtemp(path.join(ROOT, ".tmp", "migrating-"));
  await writeConsumerTsconfig(dir);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const REPLACEMENTS: [string, string[]][] = [
  ["getOrgInvite", ["listOrgUsers", "getOrgUser"]],
  ["updateOrgInviteById", ["updateOrgUser"]],
  [
    "updateGroupInvites",
    ["listGroupUsers", "addGroupUserRole", "removeGroupUserRole", "updateOrgUser"],
  ],
  ["updateGroupInviteById", ["getGroupUser", "addGroupUserRole", "removeGroupUserRole"]],
];

describe("docs/MIGRATING.md", () => {
  it.each(REPLACEMENTS)("shows %s next to its replacement", (old, replacements) => {
    const section = blocks.filter((b) => b.section.startsWith(`\`${old}\``));
    expect(section.length).toBeGreaterThanOrEqual(2);
    expect(section[0]!.code).toContain(`.${old}(`);
    const after = section
      .slice(1)
      .map((b) => b.code)
      .join("\n");
    expect(after).not.toContain(`.${old}(`);
    for (const name of replacements) expect(after).toContain(`.${name}(`);
  });

  it("states the sunset date and the caveat about project invitations", () => {
    expect(markdown).toContain("2027-07-01");
    expect(markdown).toMatch(/invisible to the Cloud\s+Users API/);
    expect(markdown).toContain("createProjectInvitation");
  });

  it("compiles every block, and a copy with a method the client lacks fails", async () => {
    expect(blocks.length).toBeGreaterThanOrEqual(9);
    await Promise.all(blocks.map((b, i) => writeFile(path.join(dir, `block-${i + 1}.ts`), b.code)));
    const last = blocks.at(-1)!.code;
    await writeFile(
      path.join(dir, "broken.ts"),
      last.replace('"listOrgUsers"', '"listOrgInvites"'),
    );
    const { errors } = typeCheck(dir);
    expect(errors.get("broken.ts")?.join("\n")).toMatch(/listOrgInvites/);
    errors.delete("broken.ts");
    expect(Object.fromEntries(errors)).toEqual({});
  }, 120_000);
});
