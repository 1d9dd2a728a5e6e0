// Reads the rendered API reference in a real browser, the way a person would: Debian's Chromium,
// driven by playwright-core, opens dist/docs/index.html from disk with the network switched off,
// clicks every operation in the menu and looks at what appears: the deprecation badge, sunset and
// replacement of the invitation operations, the version each operation is sent in (a media type
// such as application/vnd.atlas.2025-02-19+json), both observed 401 answers, the code samples and
// the examples. What to expect comes from the bundled spec (generated/openapi.json) and the version
// table generated from it, so the page is held to the contract, not to itself.
//
// Then it proves the checks can fail: it builds a copy of the page from a spec broken on purpose
// (scripts/build-docs.ts --spec), reads it the same way, and expects exactly the checks that each
// breakage concerns to fail there.
//
//   npm run test:browser                      checks dist/docs/index.html, then a broken copy
//   npm run test:browser -- some/index.html   checks another copy (the broken copy is built anew)
//
// Prints one line per check and a final `N passed, N failed` line, writes browser-results.json,
// screenshot.png (the first operation) and screenshot-successor.png (the first Cloud Users
// operation) next to the page, and exits non-zero when a check fails.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { operations as versionTable } from "../generated/operations.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const pagePath = resolve(process.argv[2] ?? join(root, "dist/docs/index.html"));
const outDir = dirname(pagePath);
const screenshotPath = join(outDir, "screenshot.png");
const successorShotPath = join(outDir, "screenshot-successor.png");
// Outside dist/docs/, which the docs workflow publishes: the broken copy must never be.
const brokenDir = join(root, ".tmp", "browser-broken");
const resultsPath = join(outDir, "browser-results.json");
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const specPath = join(root, "generated/openapi.json");

// Waiting for the page to render is not what is under test; a check that cannot find what it
// looks for within this long fails with a message saying what was missing.
const WAIT_MS = 15_000;

// Redoc 3 markup the checks find their way by.
const MENU = '[data-component-name="Menu/Menu"]';
const OPERATION = '[data-item-kind="httpItem"]';
const SIDE_PANEL = '[data-testid="right-panel"]';
const DROPDOWN = '[data-testid="dropdown"]';
const CODE = '[data-testid="source-code"]';
const EXPAND_ALL = '[data-testid="expand-all"]';
const PANEL = '[data-component-name="Panel/Panel"]';
const PANEL_HEADER = '[data-component-name="Panel/PanelHeader"]';
const PANEL_TITLE = '[data-component-name="Panel/PanelHeaderTitle"]';
// The sample languages scripts/build-docs.ts configures.
const SAMPLE_LABELS = /^(?:atlas-invites|Payload)$/;

// ---------------------------------------------------------------------------------------------
// What the spec says the page must show.

interface CodeSample {
  lang: string;
  label?: string;
  source: string;
}
interface NamedExample {
  summary: string;
  value: unknown;
}
interface Expected {
  operationId: string;
  summary: string;
  tag: string;
  method: string;
  path: string;
  deprecated: boolean;
  sunset: string | undefined;
  /** What replaces a deprecated operation (x-replacement). */
  replacement: string | undefined;
  /** The media type the client sends (generated/operations.ts), and the 200 example in it. */
  mediaType: string;
  responseExample: unknown;
  /** The other versions of the 200 answer, with their sunset dates (x-sunset on the media type). */
  otherVersions: { mediaType: string; sunset: string | undefined }[];
  /** The 401 answers the spec shows, by example summary. */
  unauthorized: NamedExample[];
  codeSample: CodeSample | undefined;
  pathParameterExamples: string[];
  requestExample: unknown;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function loadSpec(): { operations: Expected[]; schemes: { name: string; description: string }[] } {
  const spec = JSON.parse(readFileSync(specPath, "utf8")) as unknown;
  const versions = versionTable as Record<string, { mediaType: string } | undefined>;
  if (!isObject(spec)) throw new Error(`${specPath} is not an OpenAPI document`);

  // Follows local references (#/components/...), the only kind a bundled spec has left.
  const deref = (value: unknown): unknown => {
    let current = value;
    for (let hops = 0; isObject(current) && typeof current.$ref === "string"; hops++) {
      if (hops > 20) throw new Error(`reference loop at ${current.$ref}`);
      let target: unknown = spec;
      for (const part of current.$ref.replace(/^#\//, "").split("/")) {
        const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
        target = isObject(target) ? target[key] : undefined;
      }
      current = target;
    }
    return current;
  };
  const namedExamples = (rawMedia: unknown): NamedExample[] => {
    const media = deref(rawMedia);
    if (!isObject(media)) return [];
    if ("example" in media) return [{ summary: "", value: media.example }];
    const examples = isObject(media.examples) ? Object.values(media.examples) : [];
    return examples.map(deref).flatMap((example) =>
      isObject(example)
        ? [
            {
              summary: typeof example.summary === "string" ? example.summary : "",
              value: example.value,
            },
          ]
        : [],
    );
  };
  const firstExample = (content: unknown, mediaType?: string): unknown => {
    if (!isObject(content)) return undefined;
    const media = mediaType === undefined ? Object.values(content)[0] : content[mediaType];
    return namedExamples(media)[0]?.value;
  };
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);

  const operations: Expected[] = [];
  const paths = isObject(spec.paths) ? spec.paths : {};
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = deref(rawItem);
    if (!isObject(item)) continue;
    for (const method of ["get", "put", "post", "delete", "options", "head", "patch", "trace"]) {
      const op = item[method];
      if (!isObject(op) || typeof op.operationId !== "string") continue;
      const parameters = [...list(item.parameters), ...list(op.parameters)]
        .map(deref)
        .filter(isObject);
      const samples = list(op["x-codeSamples"]).filter(isObject) as unknown as CodeSample[];
      const responses = isObject(op.responses) ? op.responses : {};
      const ok = deref(responses["200"]);
      const body = deref(op.requestBody);
      const mediaType = versions[op.operationId]?.mediaType ?? "";
      const okContent = isObject(ok) && isObject(ok.content) ? ok.content : {};
      const unauthorizedContent = deref(responses["401"]);
      operations.push({
        operationId: op.operationId,
        summary: typeof op.summary === "string" ? op.summary : op.operationId,
        tag: list(op.tags).find((tag): tag is string => typeof tag === "string") ?? "",
        method: method.toUpperCase(),
        path,
        deprecated: op.deprecated === true,
        sunset: typeof op["x-sunset"] === "string" ? op["x-sunset"] : undefined,
        replacement: typeof op["x-replacement"] === "string" ? op["x-replacement"] : undefined,
        mediaType,
        responseExample: firstExample(okContent, mediaType),
        otherVersions: Object.entries(okContent)
          .filter(([type]) => type !== mediaType)
          .map(([type, media]) => {
            const sunset = isObject(media) ? media["x-sunset"] : undefined;
            return { mediaType: type, sunset: typeof sunset === "string" ? sunset : undefined };
          }),
        unauthorized:
          isObject(unauthorizedContent) && isObject(unauthorizedContent.content)
            ? namedExamples(Object.values(unauthorizedContent.content)[0])
            : [],
        codeSample: samples.find((sample) => /typescript/i.test(sample.lang)),
        pathParameterExamples: parameters
          .filter((parameter) => parameter.in === "path")
          .map((parameter) => {
            const schema = isObject(parameter.schema) ? parameter.schema : {};
            const example = parameter.example ?? schema.example;
            return typeof example === "string" || typeof example === "number"
              ? String(example)
              : "";
          }),
        requestExample: isObject(body) ? firstExample(body.content) : undefined,
      });
    }
  }

  const components = isObject(spec.components) ? spec.components : {};
  const securitySchemes = isObject(components.securitySchemes) ? components.securitySchemes : {};
  const schemes = list(spec.security)
    .filter(isObject)
    .flatMap((requirement) => Object.keys(requirement))
    .map((name) => {
      const scheme = deref(securitySchemes[name]);
      const description =
        isObject(scheme) && typeof scheme.description === "string" ? scheme.description : "";
      return { name, description };
    });
  return { operations, schemes };
}

// ---------------------------------------------------------------------------------------------
// Checks: each one prints a line; a thrown error is that check's failure message.

interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}
const results: CheckResult[] = [];
/** Where checks go: `results`, or, while the broken copy is read, a list of its own. */
let sink: { list: CheckResult[]; print: boolean } = { list: results, print: true };

function record(name: string, ok: boolean, detail = ""): void {
  sink.list.push({ name, ok, detail });
  if (sink.print) console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ` — ${detail}` : ""}`);
}

async function check(name: string, run: () => Promise<string | void>): Promise<boolean> {
  try {
    const detail = await run();
    record(name, true, detail ?? "");
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    record(name, false, message.split("\n")[0] ?? message);
    return false;
  }
}

function expect(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

// Snippets that run inside the page. They are strings because this file is type-checked as Node
// code, without the DOM library.
const inPage = {
  hydrated: (selector: string) =>
    `Object.keys(document.querySelector(${JSON.stringify(selector)}) ?? {}).some((key) => key.startsWith("__reactFiber"))`,
  remoteResources: `[...document.querySelectorAll("script[src], link[href], iframe[src]")]
    .map((element) => element.getAttribute("src") ?? element.getAttribute("href") ?? "")
    .filter((url) => url.startsWith("//") || /^https?:/i.test(url))`,
  settled: `document.getAnimations().every((animation) => animation.playState !== "running")`,
};

/** Polls a condition the page reaches on its own (an animation, a scroll) until WAIT_MS. */
async function until(what: string, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const squash = (text: string): string => text.replace(/\s+/g, " ").trim();
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const plainText = (markdown: string): string => squash(markdown.replace(/[`*_]/g, ""));

// ---------------------------------------------------------------------------------------------
// Reader actions.

/** Opens the operation from the menu, expanding its tag group first, and returns its section. */
async function openFromMenu(page: Page, op: Expected): Promise<Locator> {
  const menu = page.locator(MENU);
  const link = menu.getByRole("link", { name: new RegExp(`^${escapeRegExp(op.summary)}`) });
  if (!(await link.isVisible())) {
    await menu.getByRole("link", { name: op.tag, exact: true }).click();
  }
  await link.waitFor({ state: "visible" }).catch(() => {
    throw new Error(`the menu has no "${op.summary}" under ${op.tag}`);
  });
  await link.click();
  // The title's text starts with the summary; the "Deprecated" badge follows it.
  const heading = page.locator("h2", {
    hasText: new RegExp(`^${escapeRegExp(op.summary)}(?:\\s|$)`),
  });
  const section = page.locator(OPERATION).filter({ has: heading });
  // The click must bring the operation to the top half of the window.
  const height = page.viewportSize()?.height ?? 0;
  await until(`"${op.summary}" scrolls into view`, async () => {
    const box = await heading.boundingBox();
    return box !== null && box.y >= -2 && box.y < height / 2;
  });
  return section;
}

/** Picks a language in the operation's code sample panel (a no-op when it is already showing). */
async function chooseSample(page: Page, panel: Locator, label: string): Promise<void> {
  const picker = panel
    .locator(DROPDOWN)
    .filter({ has: page.getByRole("button", { name: SAMPLE_LABELS }) });
  if ((await picker.count()) === 0) {
    // Only one language applies (e.g. no request body): it must be the one asked for.
    const header = await panel.locator(PANEL_HEADER).first().innerText();
    expect(
      header.split("\n").some((line) => squash(line) === label),
      `the sample panel offers no "${label}"`,
    );
    return;
  }
  const button = picker.getByRole("button").first();
  if (squash(await button.innerText()) === label) return;
  await button.click();
  await page.getByRole("menuitem", { name: label, exact: true }).click();
  await panel.getByRole("button", { name: label, exact: true }).waitFor();
}

/**
 * Picks an entry of one of the panel's dropdowns, found by its accessible name ("Response media
 * type", "Example"), and waits until it shows. With a single choice Redoc shows a disabled select
 * or no dropdown at all; that choice must then be the one asked for.
 */
async function choose(page: Page, panel: Locator, dropdown: string, label: string): Promise<void> {
  const button = panel.getByRole("button", { name: dropdown, exact: true });
  if ((await button.count()) === 0) {
    const text = squash(await panel.innerText());
    expect(text.includes(label), `the panel offers no ${dropdown} "${label}"`);
    return;
  }
  if (squash(await button.innerText()) === label) return;
  await button.click();
  const item = page.getByRole("menuitem", { name: label, exact: true });
  const offered = await page.getByRole("menuitem").allInnerTexts();
  if ((await item.count()) === 0) {
    await page.keyboard.press("Escape");
    throw new Error(
      `the ${dropdown} menu offers ${offered.map(squash).join(", ")}, not "${label}"`,
    );
  }
  await item.click();
  await until(`${dropdown} shows "${label}"`, async () => {
    return squash(await button.innerText()) === label;
  });
}

/** Reads a rendered JSON example after expanding every collapsed node. */
async function readJson(panel: Locator): Promise<unknown> {
  const expand = panel.locator(EXPAND_ALL);
  if ((await expand.count()) > 0) await expand.first().click();
  const text = await panel.locator(CODE).first().innerText();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`the example is not readable JSON: ${squash(text).slice(0, 80)}`);
  }
}

// ---------------------------------------------------------------------------------------------

/** The name every check of one operation starts with. */
const nameOf = (op: Expected): string => `${op.operationId} (${op.method} ${op.path})`;

type Schemes = { name: string; description: string }[];

/** Reads one copy of the page and records a check for each thing a reader should find. */
async function readPage(
  browser: Browser,
  file: string,
  operations: Expected[],
  schemes: Schemes,
  screenshots: boolean,
): Promise<void> {
  if (
    !(await check("the page exists", () => {
      expect(existsSync(file), `${file} is missing; run npm run docs`);
      return Promise.resolve();
    }))
  )
    return;
  // Offline: whatever the page tries to fetch fails, so every check below shows what a reader
  // sees without a network.
  const context = await browser.newContext({
    offline: true,
    viewport: { width: 1440, height: 900 },
  });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);

    const outside: { url: string; resourceType: string }[] = [];
    page.on("request", (request) => {
      const protocol = new URL(request.url()).protocol;
      if (!["file:", "data:", "blob:", "about:"].includes(protocol)) {
        outside.push({ url: request.url(), resourceType: request.resourceType() });
      }
    });
    const scriptErrors: string[] = [];
    page.on("pageerror", (error) => scriptErrors.push(error.message));

    const loaded = await check("the page opens from disk", async () => {
      await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
      // Clicks only work once React has taken over the prerendered menu.
      await page.waitForFunction(inPage.hydrated(MENU)).catch(() => {
        throw new Error("Redoc never started on the page (its script did not load or run)");
      });
      return await page.title();
    });

    if (loaded) {
      await check("no script, stylesheet or frame comes from the network", async () => {
        const remote = await page.evaluate<string[]>(inPage.remoteResources);
        expect(remote.length === 0, `remote: ${remote.join(", ")}`);
      });

      for (const op of operations) await readOperation(page, op, schemes);

      const first = operations[0];
      const successor = operations.find((op) => !op.deprecated);
      if (first && screenshots) {
        await check("screenshot of the first operation with its menu group open", async () => {
          await openFromMenu(page, first);
          // Let the menu finish folding and unfolding so the picture shows where it comes to rest.
          await page.waitForFunction(inPage.settled);
          await page.screenshot({ path: screenshotPath });
          return relative(process.cwd(), screenshotPath);
        });
      }
      if (successor && screenshots) {
        await check("screenshot of the first successor operation in its version", async () => {
          const section = await openFromMenu(page, successor);
          await choose(
            page,
            responsePanel(page, section),
            "Response media type",
            successor.mediaType,
          );
          await page.waitForFunction(inPage.settled);
          await page.screenshot({ path: successorShotPath });
          return relative(process.cwd(), successorShotPath);
        });
      }
      if (first) {
        await check("the security details describe every auth scheme", async () => {
          const section = await openFromMenu(page, first);
          await section.getByRole("button", { name: "View security details" }).click();
          for (const scheme of schemes) {
            await page.getByRole("tab", { name: scheme.name, exact: true }).click();
            const excerpt = plainText(scheme.description).slice(0, 50);
            expect(excerpt.length > 0, `${scheme.name} has no description in the spec`);
            await page.getByText(excerpt).first().waitFor({ state: "visible" });
          }
          await page.keyboard.press("Escape");
          return schemes.map((scheme) => scheme.name).join(", ");
        });
      }
    }

    await check("no script errors", () => {
      expect(scriptErrors.length === 0, scriptErrors.join(" | "));
      return Promise.resolve();
    });
    await check("no request left the page with the network off", () => {
      const list = outside.map((request) => `${request.resourceType} ${request.url}`).join(", ");
      expect(outside.length === 0, `${outside.length} requests outside file://: ${list}`);
      return Promise.resolve("none outside file://");
    });
    if (sink.list === results) {
      summary.outside = outside.length;
    }
  } finally {
    await context.close();
  }
}

/** The side panel with the response samples of an operation. */
function responsePanel(page: Page, section: Locator): Locator {
  return section
    .locator(SIDE_PANEL)
    .filter({ has: page.locator(PANEL_TITLE, { hasText: "Response" }) })
    .first();
}

async function readOperation(page: Page, op: Expected, schemes: Schemes): Promise<void> {
  const name = nameOf(op);
  let section: Locator | undefined;
  await check(`${name}: listed in the menu and opens`, async () => {
    section = await openFromMenu(page, op);
    return `"${op.summary}" under ${op.tag}`;
  });
  if (!section) return;
  const opened = section;

  if (op.deprecated) {
    await check(`${name}: shows Deprecated`, async () => {
      const title = await opened.locator("h2").first().innerText();
      expect(/\bDeprecated\b/.test(title), `title reads "${squash(title)}"`);
    });
    await check(`${name}: shows its sunset date`, async () => {
      expect(op.sunset !== undefined, "the spec gives no x-sunset");
      const text = await opened.innerText();
      const shown = new RegExp(`sunset:?\\s*${escapeRegExp(op.sunset)}`, "i").test(text);
      expect(shown, `"sunset: ${op.sunset}" is not on the page`);
      return op.sunset;
    });
    await check(`${name}: shows its replacement`, async () => {
      expect(op.replacement !== undefined, "the spec names no x-replacement");
      const text = squash(await opened.innerText());
      const line = `replacement: ${squash(op.replacement)}`;
      expect(text.includes(line), `"${line}" is not on the page`);
      return op.replacement;
    });
  } else {
    await check(`${name}: shows no Deprecated badge and no sunset`, async () => {
      const title = await opened.locator("h2").first().innerText();
      expect(!/\bDeprecated\b/.test(title), `title reads "${squash(title)}"`);
      const text = await opened.innerText();
      expect(!/\bsunset:\s*\d/i.test(text), "a sunset line is on the page");
    });
  }
  await check(`${name}: lists both auth schemes`, async () => {
    const panel = opened.locator(PANEL).filter({ hasText: "Security" }).first();
    const text = await panel.innerText();
    const missing = schemes.filter((scheme) => !text.includes(scheme.name)).map((s) => s.name);
    expect(schemes.length > 1, "the spec offers fewer than two schemes");
    expect(missing.length === 0, `missing ${missing.join(", ")}`);
    return squash(text.replace(/^\s*Security/, "").replace("View security details", ""));
  });
  await check(`${name}: shows its path parameter examples`, async () => {
    const text = await opened.innerText();
    const missing = op.pathParameterExamples.filter(
      (example) => !example || !text.includes(example),
    );
    expect(op.pathParameterExamples.length > 0, "the spec gives no path parameters");
    expect(missing.length === 0, `missing ${missing.join(", ")}`);
    return op.pathParameterExamples.join(", ");
  });

  const samplePanel = opened
    .locator(SIDE_PANEL)
    .filter({ has: page.locator(DROPDOWN) })
    .first();
  await check(`${name}: the TypeScript sample renders`, async () => {
    expect(op.codeSample !== undefined, "the spec has no TypeScript x-codeSamples entry");
    await chooseSample(page, samplePanel, op.codeSample.label ?? op.codeSample.lang);
    const code = await samplePanel.locator(CODE).first().innerText();
    expect(
      code.includes("createAtlasInvites"),
      `the sample panel shows "${squash(code).slice(0, 60)}"`,
    );
    expect(
      code.includes(`.${op.operationId}(`),
      `the sample does not call atlas.${op.operationId}()`,
    );
    expect(squash(code) === squash(op.codeSample.source), "the sample differs from the spec's");
    return `${code.trim().split("\n").length} lines, calls atlas.${op.operationId}()`;
  });
  if (op.requestExample !== undefined) {
    await check(`${name}: the request example renders`, async () => {
      await chooseSample(page, samplePanel, "Payload");
      const shown = await readJson(samplePanel);
      expect(
        isDeepStrictEqual(shown, op.requestExample),
        "the request example differs from the spec's",
      );
      return `keys ${Object.keys(shown as Json).join(", ")}`;
    });
  }
  const responses = responsePanel(page, opened);
  await check(`${name}: the 200 example renders in the version the client sends`, async () => {
    expect(op.mediaType !== "", "generated/operations.ts gives no media type");
    expect(op.responseExample !== undefined, `the spec has no 200 example in ${op.mediaType}`);
    await responses.getByRole("button", { name: "200", exact: true }).click();
    await choose(page, responses, "Response media type", op.mediaType);
    const shown = await readJson(responses);
    expect(
      isDeepStrictEqual(shown, op.responseExample),
      "the response example differs from the spec's",
    );
    return `${op.mediaType}, keys ${Object.keys(shown as Json).join(", ")}`;
  });
  if (op.otherVersions.length > 0) {
    await check(`${name}: offers the older versions, with their sunset dates`, async () => {
      const text = squash(await opened.innerText());
      for (const other of op.otherVersions) {
        await choose(page, responses, "Response media type", other.mediaType);
        if (other.sunset !== undefined) {
          expect(
            text.includes(other.sunset),
            `${other.mediaType}: ${other.sunset} is not on the page`,
          );
        }
      }
      return op.otherVersions
        .map((o) => `${o.mediaType}${o.sunset ? ` (sunset ${o.sunset})` : ""}`)
        .join(", ");
    });
  }
  await check(`${name}: the 401 shows both observed answers`, async () => {
    expect(op.unauthorized.length >= 2, `the spec shows ${op.unauthorized.length} 401 answer(s)`);
    await responses.getByRole("button", { name: "401", exact: true }).click();
    for (const example of op.unauthorized) {
      await choose(page, responses, "Example", example.summary);
      const shown = await readJson(responses);
      expect(
        isDeepStrictEqual(shown, example.value),
        `"${example.summary}" differs from the spec's`,
      );
    }
    await responses.getByRole("button", { name: "200", exact: true }).click();
    return op.unauthorized.map((e) => e.summary).join(" | ");
  });
}

// ---------------------------------------------------------------------------------------------
// The broken copy: one spec, several breakages, each caught by the checks it names.

type Doc = Record<string, Record<string, unknown>>;
interface Breakage {
  what: string;
  apply: (doc: Doc) => void;
  /** The checks that must fail on the broken page because of it. */
  caughtBy: (operations: Expected[]) => string[];
}

/** A step into the spec that must exist, so a breakage never silently misses its target. */
function at(node: unknown, ...keys: string[]): Json {
  let current = node;
  for (const key of keys) {
    if (!isObject(current) || !(key in current)) throw new Error(`no ${keys.join(" > ")}`);
    current = current[key];
  }
  if (!isObject(current)) throw new Error(`${keys.join(" > ")} is not an object`);
  return current;
}

const checksOf = (operations: Expected[], id: string, suffix: string): string[] =>
  operations.filter((op) => op.operationId === id).map((op) => `${nameOf(op)}: ${suffix}`);

const BREAKAGES: Breakage[] = [
  {
    what: "getOrgInvite names no replacement",
    apply: (doc) => {
      delete at(doc.paths, "/api/atlas/v2/orgs/{orgId}/invites/{invitationId}", "get")[
        "x-replacement"
      ];
    },
    caughtBy: (ops) => checksOf(ops, "getOrgInvite", "shows its replacement"),
  },
  {
    what: "listOrgUsers answers 200 in another version than the client sends",
    apply: (doc) => {
      const content = at(
        doc.paths,
        "/api/atlas/v2/orgs/{orgId}/users",
        "get",
        "responses",
        "200",
        "content",
      );
      content["application/vnd.atlas.2025-03-12+json"] =
        content["application/vnd.atlas.2025-02-19+json"];
      delete content["application/vnd.atlas.2025-02-19+json"];
    },
    caughtBy: (ops) =>
      checksOf(ops, "listOrgUsers", "the 200 example renders in the version the client sends"),
  },
  {
    what: "the 401 shows only the failed-credentials answer",
    apply: (doc) => {
      const media = at(doc.components, "responses", "Unauthorized", "content", "application/json");
      delete at(media, "examples").MissingRole;
    },
    caughtBy: (ops) => ops.map((op) => `${nameOf(op)}: the 401 shows both observed answers`),
  },
  {
    what: "addGroupUserRole marked deprecated",
    apply: (doc) => {
      at(doc.paths, "/api/atlas/v2/groups/{groupId}/users/{userId}:addRole", "post").deprecated =
        true;
    },
    caughtBy: (ops) => checksOf(ops, "addGroupUserRole", "shows no Deprecated badge and no sunset"),
  },
  {
    what: "getGroupUser's sample calls another method",
    apply: (doc) => {
      const op = at(doc.paths, "/api/atlas/v2/groups/{groupId}/users/{userId}", "get");
      const samples = op["x-codeSamples"] as Json[];
      samples[0]!.source = String(samples[0]!.source).replace(/\.getGroupUser\(/g, ".getOrgUser(");
    },
    caughtBy: (ops) => checksOf(ops, "getGroupUser", "the TypeScript sample renders"),
  },
];

/** Builds the broken copy of the page, reads it, and checks that exactly the breakages fail. */
async function readBrokenCopy(browser: Browser, operations: Expected[], schemes: Schemes) {
  const doc = JSON.parse(readFileSync(specPath, "utf8")) as Doc;
  for (const breakage of BREAKAGES) breakage.apply(doc);
  mkdirSync(brokenDir, { recursive: true });
  const brokenSpec = join(brokenDir, "openapi.json");
  const brokenPage = join(brokenDir, "index.html");
  writeFileSync(brokenSpec, JSON.stringify(doc));
  rmSync(brokenPage, { force: true });
  const built = spawnSync(
    process.execPath,
    ["--import", "tsx", join(root, "scripts/build-docs.ts"), brokenPage, "--spec", brokenSpec],
    { cwd: root, encoding: "utf8" },
  );
  if (
    !(await check("a broken copy of the page builds", () => {
      expect(
        built.status === 0,
        `build-docs exited ${String(built.status)}: ${built.stderr.trim()}`,
      );
      return Promise.resolve(relative(process.cwd(), brokenPage));
    }))
  )
    return;

  const brokenResults: CheckResult[] = [];
  sink = { list: brokenResults, print: false };
  try {
    await readPage(browser, brokenPage, operations, schemes, false);
  } finally {
    sink = { list: results, print: true };
  }
  const failed = new Set(brokenResults.filter((r) => !r.ok).map((r) => r.name));
  const expected = new Set<string>();
  for (const breakage of BREAKAGES) {
    const names = breakage.caughtBy(operations);
    names.forEach((n) => expected.add(n));
    await check(`broken copy: ${breakage.what} is caught`, () => {
      expect(names.length > 0, "no check is named for it");
      const missed = names.filter((n) => !failed.has(n));
      expect(missed.length === 0, `still passing: ${missed.join("; ")}`);
      return Promise.resolve(`${names.length} check(s) fail`);
    });
  }
  await check("broken copy: nothing else fails", () => {
    const others = [...failed].filter((n) => !expected.has(n));
    expect(others.length === 0, `also failing: ${others.join("; ")}`);
    return Promise.resolve(
      `${brokenResults.length} checks read, ${failed.size} failed as expected`,
    );
  });
}

async function main(): Promise<void> {
  const { operations, schemes } = loadSpec();
  console.log(`Checking ${relative(process.cwd(), pagePath) || pagePath} in ${chromiumPath}`);

  await check("the spec names operations to look for", () => {
    expect(operations.length > 0, `no operations found in ${specPath}`);
    return Promise.resolve(operations.map((op) => op.operationId).join(", "));
  });
  if (
    !(await check("Chromium is installed", () => {
      expect(existsSync(chromiumPath), `${chromiumPath} is missing; apt-get install chromium`);
      return Promise.resolve(chromiumPath);
    }))
  )
    return;

  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      // Containers often give /dev/shm only 64 MB; Chromium then writes shared memory to /tmp.
      "--disable-dev-shm-usage",
    ],
  });
  try {
    await readPage(browser, pagePath, operations, schemes, true);
    await readBrokenCopy(browser, operations, schemes);
  } finally {
    await browser.close();
  }
}

const summary: { outside: number | null } = { outside: null };
rmSync(screenshotPath, { force: true });
rmSync(successorShotPath, { force: true });
try {
  await main();
} catch (error) {
  record("the browser run finishes", false, error instanceof Error ? error.message : String(error));
}
const passed = results.filter((result) => result.ok).length;
const failed = results.length - passed;
writeFileSync(
  resultsPath,
  `${JSON.stringify(
    {
      page: pagePath,
      passed,
      failed,
      externalRequests: summary.outside,
      screenshots: [screenshotPath, successorShotPath].filter((shot) => existsSync(shot)),
      checks: results,
    },
    null,
    2,
  )}\n`,
);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
