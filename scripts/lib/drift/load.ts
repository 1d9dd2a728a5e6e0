/**
 * Reads an OpenAPI document from a file or an https URL and parses it once. Every way this can go
 * wrong becomes a `DriftInputError` whose message names the source and the cause.
 */
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { isObject, type JsonObject } from "../openapi.js";

/** The input could not be read or is not an OpenAPI 3 document (exit code 2). */
export class DriftInputError extends Error {
  override name = "DriftInputError";
}

export interface LoadOptions {
  /** The fetch used for URLs; the global one by default. */
  fetch?: typeof fetch;
  /** Gives up on a download after this long. */
  timeoutMs?: number;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch reports "fetch failed" and keeps the useful part (ECONNREFUSED, ENOTFOUND) in `cause`,
  // sometimes as an AggregateError of one error per address tried.
  let cause: unknown = error.cause;
  if (cause instanceof AggregateError && cause.errors.length > 0) cause = cause.errors[0];
  if (!(cause instanceof Error)) return error.message;
  const code = (cause as NodeJS.ErrnoException).code;
  const detail = cause.message || code || cause.name;
  return `${error.message}: ${code && !detail.includes(code) ? `${code} ` : ""}${detail}`;
}

/** Reads the raw text of `source`, a file path or an https URL. */
export async function readSource(source: string, options: LoadOptions = {}): Promise<string> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    let url: URL;
    try {
      url = new URL(source);
    } catch {
      throw new DriftInputError(`${source} is not a valid URL`);
    }
    // Plain http is accepted only on this machine (a local mirror or a test server).
    if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
      throw new DriftInputError(`${source}: only https URLs are supported`);
    }
    const doFetch = options.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(url, {
        redirect: "follow",
        signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
      });
    } catch (error) {
      throw new DriftInputError(`could not download ${source}: ${describe(error)}`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new DriftInputError(
        `could not download ${source}: the server answered ${response.status} ${response.statusText}`.trimEnd(),
      );
    }
    try {
      return await response.text();
    } catch (error) {
      throw new DriftInputError(`could not download ${source}: ${describe(error)}`);
    }
  }
  try {
    return await readFile(source, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new DriftInputError(`${source}: no such file`);
    if (code === "EISDIR") throw new DriftInputError(`${source} is a directory, not a spec file`);
    throw new DriftInputError(`could not read ${source}: ${describe(error)}`);
  }
}

/**
 * Parses JSON or YAML text and checks that it is an OpenAPI 3 document. JSON is tried first when
 * the text looks like JSON, since `JSON.parse` is far faster than a YAML parser on a large file.
 */
export function parseSpec(text: string, source: string): JsonObject {
  const body = text.replace(/^\uFEFF/, "");
  if (body.trim() === "") throw new DriftInputError(`${source} is empty`);
  let doc: unknown;
  if (/^\s*[{[]/.test(body)) {
    try {
      doc = JSON.parse(body);
    } catch (error) {
      throw new DriftInputError(`${source} is not valid JSON: ${describe(error)}`);
    }
  } else {
    try {
      doc = parseYaml(body, { logLevel: "error" });
    } catch (error) {
      // The parser's first line names the problem and its line and column; a code excerpt follows.
      const message = (describe(error).split("\n")[0] ?? "").replace(/:$/, "");
      throw new DriftInputError(`${source} is not valid YAML: ${message}`);
    }
  }
  if (!isObject(doc)) {
    throw new DriftInputError(`${source} is not an OpenAPI document (it is not a mapping)`);
  }
  if (typeof doc.swagger === "string") {
    throw new DriftInputError(
      `${source} is a Swagger ${doc.swagger} document; the drift report reads OpenAPI 3`,
    );
  }
  // An unquoted `openapi: 3.1` in YAML arrives as a number.
  const version = typeof doc.openapi === "number" ? String(doc.openapi) : doc.openapi;
  if (typeof version !== "string" || !version.startsWith("3.")) {
    throw new DriftInputError(
      `${source} is not an OpenAPI 3 document (it has no "openapi: 3.x" field)`,
    );
  }
  if (!isObject(doc.paths)) {
    throw new DriftInputError(`${source} is not an OpenAPI document (it has no "paths")`);
  }
  return doc;
}

/** Reads and parses `source` in one step. */
export async function loadSpec(source: string, options: LoadOptions = {}): Promise<JsonObject> {
  return parseSpec(await readSource(source, options), source);
}
