/**
 * What every script and test needs to walk an OpenAPI document: the HTTP methods a path item may
 * hold, and local `$ref` resolution. Only what a caller touches is ever resolved, so a
 * multi-megabyte upstream file costs one parse and a few dozen lookups.
 */

export type JsonObject = Record<string, unknown>;

/** The operations a path item can hold (OpenAPI 3.0, Path Item Object), in the spec's order. */
export const HTTP_METHODS = [
  "get",
  "put",
  "post",
  "delete",
  "options",
  "head",
  "patch",
  "trace",
] as const;

export type HttpMethod = (typeof HTTP_METHODS)[number];

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The result of following a `$ref` chain: the target, and the last component name on the way. */
export interface Resolved {
  node: unknown;
  /** Name of the component the chain ended in (`GroupInvitation`), when there was a `$ref`. */
  ref?: string;
  /** The full `$ref` string, a stable identity for cycle detection. */
  pointer?: string;
}

export class RefResolver {
  /** Refs that could not be followed, one readable line each (no duplicates). */
  readonly problems: string[] = [];
  private readonly cache = new Map<string, unknown>();

  constructor(
    private readonly doc: unknown,
    private readonly label: string,
  ) {}

  /**
   * Follows `$ref`s until a node without one. Keys written next to a `$ref` (OpenAPI 3.1 allows a
   * `description` or `summary` there) are laid over the target. A dangling, external or circular
   * chain resolves to `undefined` and is recorded in `problems`.
   */
  resolve(node: unknown): Resolved {
    let current = node;
    let ref: string | undefined;
    let pointer: string | undefined;
    const seen = new Set<string>();
    while (isObject(current) && typeof current.$ref === "string") {
      const target = current.$ref;
      if (seen.has(target)) {
        this.problem(`circular $ref chain through ${target}`);
        return { node: undefined, ref, pointer };
      }
      seen.add(target);
      const { $ref: _ref, ...siblings } = current;
      const next = this.lookup(target);
      pointer = target;
      ref = target.split("/").pop();
      current =
        Object.keys(siblings).length > 0 && isObject(next) ? { ...next, ...siblings } : next;
    }
    return { node: current, ref, pointer };
  }

  /** Like `resolve`, but only answers with an object (or `undefined`). */
  object(node: unknown): JsonObject | undefined {
    const { node: resolved } = this.resolve(node);
    return isObject(resolved) ? resolved : undefined;
  }

  private lookup(ref: string): unknown {
    if (this.cache.has(ref)) return this.cache.get(ref);
    let target: unknown;
    if (!ref.startsWith("#")) {
      this.problem(`external $ref ${ref} is not followed (only refs inside the document are)`);
    } else {
      target = this.doc;
      const parts = ref === "#" ? [] : ref.slice(ref.startsWith("#/") ? 2 : 1).split("/");
      for (const raw of parts) {
        const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
        target =
          isObject(target) || Array.isArray(target) ? (target as JsonObject)[key] : undefined;
        if (target === undefined) break;
      }
      if (target === undefined) this.problem(`$ref ${ref} points at nothing`);
    }
    this.cache.set(ref, target);
    return target;
  }

  private problem(message: string): void {
    const line = `${this.label}: ${message}`;
    if (!this.problems.includes(line)) this.problems.push(line);
  }
}

export interface Operation {
  method: string;
  path: string;
  operation: JsonObject;
  pathItem: JsonObject;
}

/** Every operation in a document, in document order. Touches only `paths`, never schemas. */
export function listOperations(doc: JsonObject, resolver: RefResolver): Operation[] {
  const found: Operation[] = [];
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const [path, rawItem] of Object.entries(paths)) {
    const pathItem = resolver.object(rawItem);
    if (!pathItem) continue;
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (isObject(operation)) found.push({ method, path, operation, pathItem });
    }
  }
  return found;
}

/**
 * Follows `$ref`s inside `doc` and throws on a dangling, external or circular chain: for code
 * generation and tests, where a broken reference must stop the run.
 */
export function resolveRef<T = JsonObject>(doc: unknown, node: unknown): T {
  const resolver = new RefResolver(doc, "spec");
  const { node: resolved } = resolver.resolve(node);
  if (resolver.problems.length > 0) throw new Error(resolver.problems.join("; "));
  return resolved as T;
}

/** The component name a `$ref` points at (`GroupInvitation`), or null when `node` is not a ref. */
export function refName(node: unknown): string | null {
  const ref = isObject(node) ? node.$ref : undefined;
  return typeof ref === "string" ? (ref.split("/").pop() ?? null) : null;
}

/** A value as text for comparison and messages: "" when absent, JSON when structured. */
export function textOf(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  return JSON.stringify(value) ?? "";
}
