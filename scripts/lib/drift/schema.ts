/**
 * Compares two JSON schemas (ours and upstream's) property by property and classes each
 * difference by the way data flows: a constraint that tightens is breaking in what our client
 * sends (Atlas would reject it), a constraint that loosens is breaking in what Atlas returns (our
 * types would no longer describe it). The opposite moves are notable.
 */
import { isObject, type RefResolver } from "../openapi.js";
import type { Difference, Severity } from "./types.js";

/** Which way the data flows: the client sends a request, Atlas sends a response. */
export type Direction = "request" | "response";

type Move = "tighter" | "looser";

/** How a tightening or loosening constraint affects a client, by direction. */
export function severityOf(move: Move, direction: Direction): Severity {
  if (move === "tighter") return direction === "request" ? "breaking" : "notable";
  return direction === "request" ? "notable" : "breaking";
}

function consequence(move: Move, direction: Direction): string {
  if (direction === "request") {
    return move === "tighter"
      ? "our client may send values Atlas now rejects"
      : "Atlas now accepts more than our client lets callers send";
  }
  return move === "tighter"
    ? "Atlas now returns a narrower range than our types allow"
    : "Atlas may now return values our types do not describe";
}

const LOWER_BOUNDS = ["minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties"];
const UPPER_BOUNDS = ["maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties"];

/** A schema with its `$ref` followed and its `allOf` merged, reduced to what a client relies on. */
export interface SchemaView {
  ref?: string;
  pointer?: string;
  types: string[];
  nullable: boolean;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  hasDefault: boolean;
  default?: unknown;
  readOnly: boolean;
  writeOnly: boolean;
  uniqueItems: boolean;
  bounds: Record<string, number>;
  properties: Record<string, unknown>;
  required: string[];
  items?: unknown;
  additionalProperties?: unknown;
  oneOf: unknown[];
  anyOf: unknown[];
  discriminator?: Discriminator;
  description?: string;
  title?: string;
}

export interface Discriminator {
  propertyName: string;
  mapping: Record<string, unknown>;
}

/** The keywords that only a whole view settles; a partial view may leave them open. */
type OpenFlags = "types" | "nullable" | "hasDefault" | "readOnly" | "writeOnly" | "uniqueItems";

/** One schema's own keywords, before its `allOf` members are merged into it. */
type PartialView = Omit<SchemaView, "ref" | "pointer" | OpenFlags> &
  Partial<Pick<SchemaView, OpenFlags>>;

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function bool(value: unknown): boolean | undefined {
  return typeof value === "boolean" ? value : undefined;
}

function ownView(s: Record<string, unknown>): PartialView {
  const view: PartialView = {
    bounds: {},
    properties: isObject(s.properties) ? { ...s.properties } : {},
    required: Array.isArray(s.required) ? s.required.filter((r) => typeof r === "string") : [],
    oneOf: Array.isArray(s.oneOf) ? s.oneOf : [],
    anyOf: Array.isArray(s.anyOf) ? s.anyOf : [],
  };
  const type = s.type;
  const listed = typeof type === "string" ? [type] : Array.isArray(type) ? type : [];
  const names = listed.filter((t): t is string => typeof t === "string");
  if (names.length > 0) view.types = names.filter((t) => t !== "null").sort();
  // OpenAPI 3.0 says `nullable: true`; 3.1 lists "null" among the types. Both mean the same.
  if (names.includes("null")) view.nullable = true;
  else if (bool(s.nullable) !== undefined) view.nullable = bool(s.nullable);
  view.format = str(s.format);
  view.pattern = str(s.pattern);
  if (Array.isArray(s.enum)) view.enum = s.enum;
  if ("default" in s) {
    view.hasDefault = true;
    view.default = s.default;
  }
  view.readOnly = bool(s.readOnly);
  view.writeOnly = bool(s.writeOnly);
  view.uniqueItems = bool(s.uniqueItems);
  for (const key of [...LOWER_BOUNDS, ...UPPER_BOUNDS]) {
    if (typeof s[key] === "number") view.bounds[key] = s[key];
  }
  if ("items" in s) view.items = s.items;
  if ("additionalProperties" in s) view.additionalProperties = s.additionalProperties;
  if (isObject(s.discriminator) && typeof s.discriminator.propertyName === "string") {
    const mapping = s.discriminator.mapping;
    view.discriminator = {
      propertyName: s.discriminator.propertyName,
      mapping: isObject(mapping) ? mapping : {},
    };
  }
  view.description = str(s.description);
  view.title = str(s.title);
  return view;
}

/** Lays `member` under `view`: what `view` already says wins, lists are merged. */
function mergeUnder(view: PartialView, member: PartialView): void {
  const scalarKeys = [
    "types",
    "nullable",
    "format",
    "pattern",
    "enum",
    "readOnly",
    "writeOnly",
    "uniqueItems",
    "items",
    "additionalProperties",
    "discriminator",
    "description",
    "title",
  ] as const;
  for (const key of scalarKeys) {
    if (view[key] === undefined && member[key] !== undefined) {
      (view as unknown as Record<string, unknown>)[key] = member[key];
    }
  }
  if (!view.hasDefault && member.hasDefault) {
    view.hasDefault = true;
    view.default = member.default;
  }
  view.bounds = { ...member.bounds, ...view.bounds };
  view.properties = { ...member.properties, ...view.properties };
  view.required = [...new Set([...view.required, ...member.required])];
  view.oneOf = view.oneOf.length > 0 ? view.oneOf : member.oneOf;
  view.anyOf = view.anyOf.length > 0 ? view.anyOf : member.anyOf;
}

function partialView(raw: unknown, resolver: RefResolver, guard: Set<string>): PartialView {
  const { node, pointer } = resolver.resolve(raw);
  const s = isObject(node) ? node : {};
  const view = ownView(s);
  if (pointer !== undefined) guard.add(pointer);
  if (Array.isArray(s.allOf)) {
    for (const member of s.allOf) {
      const memberPointer = resolver.resolve(member).pointer;
      if (memberPointer !== undefined && guard.has(memberPointer)) continue;
      mergeUnder(view, partialView(member, resolver, guard));
    }
  }
  return view;
}

/**
 * Resolves `raw` and merges its `allOf` members into one view. Cycle-safe. An `allOf` member in
 * `skip` (the `$ref`s of schemas being compared further up the same branch) is left out: its
 * properties are compared there already. This is what keeps a discriminated union readable: the
 * variant `OrgPendingUserResponse` is `allOf: [OrgUserResponse, {its own fields}]` while
 * `OrgUserResponse` lists that variant in its `oneOf`, so without the skip every shared field
 * would be compared again under each variant, and the union again inside each variant.
 */
export function viewSchema(
  raw: unknown,
  resolver: RefResolver,
  skip: ReadonlySet<string> = new Set(),
): SchemaView {
  const { ref, pointer } = resolver.resolve(raw);
  const p = partialView(raw, resolver, new Set(skip));
  let types = p.types ?? [];
  if (types.length === 0) {
    if (Object.keys(p.properties).length > 0 || isObject(p.additionalProperties))
      types = ["object"];
    else if (p.items !== undefined) types = ["array"];
  }
  return {
    ref,
    pointer,
    types,
    nullable: p.nullable ?? false,
    format: p.format,
    pattern: p.pattern,
    enum: p.enum,
    hasDefault: p.hasDefault ?? false,
    default: p.default,
    readOnly: p.readOnly ?? false,
    writeOnly: p.writeOnly ?? false,
    uniqueItems: p.uniqueItems ?? false,
    bounds: p.bounds,
    properties: p.properties,
    required: p.required,
    items: p.items,
    additionalProperties: p.additionalProperties,
    oneOf: p.oneOf,
    anyOf: p.anyOf,
    discriminator: p.discriminator,
    description: p.description,
    title: p.title,
  };
}

export interface SchemaContext {
  direction: Direction;
  ours: RefResolver;
  upstream: RefResolver;
  emit: (difference: Difference) => void;
  /** How a changed `default` is classed: breaking for parameters, notable inside bodies. */
  defaultSeverity: Severity;
}

/** Stops runaway recursion in pathological specs; real schemas are far shallower. */
const MAX_DEPTH = 40;

export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function listValues(values: unknown[]): string {
  const shown = values.slice(0, 8).map(show).join(", ");
  return values.length > 8 ? `${shown} and ${values.length - 8} more` : shown;
}

/** The components being compared further up one branch of the walk. */
interface Trail {
  /** `ours|upstream` pointer pairs: the same pair coming round again ends the branch. */
  pairs: ReadonlySet<string>;
  /** Pointers on each side, which an `allOf` further down does not merge again. */
  ours: ReadonlySet<string>;
  upstream: ReadonlySet<string>;
}

const EMPTY_TRAIL: Trail = { pairs: new Set(), ours: new Set(), upstream: new Set() };

/** Compares two schemas and emits every difference below `where`. */
export function compareSchemas(
  oursRaw: unknown,
  upstreamRaw: unknown,
  where: string,
  ctx: SchemaContext,
  trail: Trail = EMPTY_TRAIL,
  depth = 0,
): void {
  const o = viewSchema(oursRaw, ctx.ours, trail.ours);
  const u = viewSchema(upstreamRaw, ctx.upstream, trail.upstream);
  // A recursive schema (a tree of nodes) would otherwise be walked forever: stop when the same
  // pair of components comes round again on this branch.
  const key =
    o.pointer !== undefined && u.pointer !== undefined ? `${o.pointer}|${u.pointer}` : null;
  if (key !== null && trail.pairs.has(key)) return;
  const inner: Trail = {
    pairs: key === null ? trail.pairs : new Set(trail.pairs).add(key),
    ours: o.pointer === undefined ? trail.ours : new Set(trail.ours).add(o.pointer),
    upstream: u.pointer === undefined ? trail.upstream : new Set(trail.upstream).add(u.pointer),
  };
  if (depth > MAX_DEPTH) return;
  const dir = ctx.direction;
  const emit = (
    severity: Severity,
    kind: string,
    message: string,
    ours?: unknown,
    upstream?: unknown,
  ) => ctx.emit({ severity, kind, where, message, ours, upstream });
  const moved = (move: Move, kind: string, what: string, ours?: unknown, upstream?: unknown) =>
    emit(severityOf(move, dir), kind, `${what}: ${consequence(move, dir)}`, ours, upstream);

  compareTypes(o, u, moved, emit);
  if (o.nullable !== u.nullable) {
    moved(
      u.nullable ? "looser" : "tighter",
      "nullable-changed",
      u.nullable ? "now nullable" : "no longer nullable",
      o.nullable,
      u.nullable,
    );
  }
  compareStringRule("format", o.format, u.format, moved, emit);
  compareStringRule("pattern", o.pattern, u.pattern, moved, emit);
  compareEnums(o, u, moved);
  if (o.hasDefault !== u.hasDefault || (o.hasDefault && show(o.default) !== show(u.default))) {
    const from = o.hasDefault ? show(o.default) : "none";
    const to = u.hasDefault ? show(u.default) : "none";
    emit(
      ctx.defaultSeverity,
      "default-changed",
      `default changed from ${from} to ${to}`,
      o.default,
      u.default,
    );
  }
  if (o.readOnly !== u.readOnly) {
    // A field that becomes read-only is one our client may still put in a request body.
    const severity: Severity = u.readOnly && dir === "request" ? "breaking" : "notable";
    const message = u.readOnly
      ? "now read-only: Atlas ignores or refuses it in requests"
      : "no longer read-only: clients may now send it";
    emit(severity, "read-only-changed", message, o.readOnly, u.readOnly);
  }
  if (o.writeOnly !== u.writeOnly) {
    const severity: Severity = u.writeOnly && dir === "response" ? "breaking" : "notable";
    const message = u.writeOnly
      ? "now write-only: Atlas no longer returns it"
      : "no longer write-only: Atlas may return it";
    emit(severity, "write-only-changed", message, o.writeOnly, u.writeOnly);
  }
  if (o.uniqueItems !== u.uniqueItems) {
    moved(
      u.uniqueItems ? "tighter" : "looser",
      "unique-items-changed",
      u.uniqueItems ? "items must now be unique" : "items no longer need to be unique",
      o.uniqueItems,
      u.uniqueItems,
    );
  }
  compareBounds(o, u, moved);
  compareProse(o, u, emit);

  const next = (ours: unknown, upstream: unknown, at: string) =>
    compareSchemas(ours, upstream, at, ctx, inner, depth + 1);
  compareProperties(o, u, where, ctx, next);
  if (o.items !== undefined || u.items !== undefined) next(o.items, u.items, `${where}[]`);
  compareAdditional(o, u, where, moved, next);
  for (const key of ["oneOf", "anyOf"] as const) {
    const ours = o[key];
    const upstream = u[key];
    if (ours.length !== upstream.length) {
      moved(
        upstream.length > ours.length ? "looser" : "tighter",
        "variants-changed",
        `${key} lists ${upstream.length} variants instead of ${ours.length}`,
        ours.length,
        upstream.length,
      );
    }
    for (const [i, j] of pairVariants(ours, upstream, ctx)) {
      next(ours[i], upstream[j], `${where} ${key}[${i}]`);
    }
  }
  compareDiscriminators(o, u, moved, emit);
}

/**
 * Pairs union variants: by component name when every variant on both sides is a named `$ref`
 * (upstream may list `OrgActiveUserResponse` first one day), by position otherwise.
 */
function pairVariants(
  ours: unknown[],
  upstream: unknown[],
  ctx: SchemaContext,
): [number, number][] {
  const oursNames = ours.map((v) => ctx.ours.resolve(v).ref);
  const upstreamNames = upstream.map((v) => ctx.upstream.resolve(v).ref);
  const named = [...oursNames, ...upstreamNames].every((n) => n !== undefined);
  if (!named) {
    const shared = Math.min(ours.length, upstream.length);
    return Array.from({ length: shared }, (_, i) => [i, i]);
  }
  return oursNames.flatMap((name, i): [number, number][] => {
    const j = upstreamNames.indexOf(name);
    return j >= 0 ? [[i, j]] : [];
  });
}

/** The component name a discriminator mapping points at (`#/components/schemas/X` or `X.yaml`). */
function mappingTarget(value: unknown): string {
  const text = typeof value === "string" ? value : "";
  return (text.split("/").pop() ?? "").replace(/\.(ya?ml|json)$/, "");
}

/**
 * The discriminator tells a reader of a union which variant an answer is (OpenAPI 3.0,
 * Discriminator Object); our generated types narrow on it. A renamed property is breaking; a
 * value added, removed or sent to another variant is classed by direction like an enum.
 */
function compareDiscriminators(o: SchemaView, u: SchemaView, moved: Moved, emit: Emit): void {
  const od = o.discriminator;
  const ud = u.discriminator;
  if (od === undefined && ud === undefined) return;
  if (od === undefined || ud === undefined || od.propertyName !== ud.propertyName) {
    emit(
      "breaking",
      "discriminator-changed",
      `the union is now told apart by ${ud?.propertyName ?? "nothing"} instead of ${od?.propertyName ?? "nothing"}`,
      od?.propertyName ?? null,
      ud?.propertyName ?? null,
    );
    return;
  }
  const values = [...new Set([...Object.keys(od.mapping), ...Object.keys(ud.mapping)])].sort();
  for (const value of values) {
    const from = value in od.mapping ? mappingTarget(od.mapping[value]) : undefined;
    const to = value in ud.mapping ? mappingTarget(ud.mapping[value]) : undefined;
    if (from === to) continue;
    const what = `${od.propertyName} ${show(value)}`;
    if (from === undefined) {
      moved("looser", "discriminator-changed", `${what} now maps to ${to ?? ""}`, null, to);
    } else if (to === undefined) {
      moved("tighter", "discriminator-changed", `${what} no longer maps to a variant`, from, null);
    } else {
      emit(
        "breaking",
        "discriminator-changed",
        `${what} now maps to ${to} instead of ${from}: our types give that answer the other variant's fields`,
        from,
        to,
      );
    }
  }
}

type Emit = (
  severity: Severity,
  kind: string,
  message: string,
  ours?: unknown,
  upstream?: unknown,
) => void;
type Moved = (move: Move, kind: string, what: string, ours?: unknown, upstream?: unknown) => void;

function compareTypes(o: SchemaView, u: SchemaView, moved: Moved, emit: Emit): void {
  const ours = o.types.join(" | ");
  const upstream = u.types.join(" | ");
  if (ours === upstream) return;
  if (ours === "") {
    moved("tighter", "type-changed", `type is now ${upstream} (we allow any)`, null, u.types);
  } else if (upstream === "") {
    moved("looser", "type-changed", `type ${ours} is no longer stated`, o.types, null);
  } else {
    emit("breaking", "type-changed", `type changed from ${ours} to ${upstream}`, o.types, u.types);
  }
}

function compareStringRule(
  name: "format" | "pattern",
  ours: string | undefined,
  upstream: string | undefined,
  moved: Moved,
  emit: Emit,
): void {
  if (ours === upstream) return;
  const kind = `${name}-changed`;
  const fmt = (v: string) => (name === "pattern" ? `/${v}/` : v);
  if (ours !== undefined && upstream !== undefined) {
    emit("breaking", kind, `${name} changed from ${fmt(ours)} to ${fmt(upstream)}`, ours, upstream);
  } else if (upstream !== undefined) {
    moved("tighter", kind, `${name} ${fmt(upstream)} added`, null, upstream);
  } else if (ours !== undefined) {
    moved("looser", kind, `${name} ${fmt(ours)} removed`, ours, null);
  }
}

function compareEnums(o: SchemaView, u: SchemaView, moved: Moved): void {
  if (o.enum === undefined && u.enum === undefined) return;
  if (o.enum === undefined) {
    moved(
      "tighter",
      "enum-added",
      `values are now limited to ${listValues(u.enum ?? [])}`,
      null,
      u.enum,
    );
    return;
  }
  if (u.enum === undefined) {
    moved("looser", "enum-removed", "values are no longer limited to a list", o.enum, null);
    return;
  }
  const ours = new Set(o.enum.map(show));
  const upstream = new Set(u.enum.map(show));
  const removed = o.enum.filter((v) => !upstream.has(show(v)));
  const added = u.enum.filter((v) => !ours.has(show(v)));
  if (removed.length > 0) {
    moved(
      "tighter",
      "enum-value-removed",
      `enum value${removed.length > 1 ? "s" : ""} ${listValues(removed)} removed`,
      removed,
      null,
    );
  }
  if (added.length > 0) {
    moved(
      "looser",
      "enum-value-added",
      `enum value${added.length > 1 ? "s" : ""} ${listValues(added)} added`,
      null,
      added,
    );
  }
}

function compareBounds(o: SchemaView, u: SchemaView, moved: Moved): void {
  for (const key of [...LOWER_BOUNDS, ...UPPER_BOUNDS]) {
    const ours = o.bounds[key];
    const upstream = u.bounds[key];
    if (ours === upstream) continue;
    const lower = LOWER_BOUNDS.includes(key);
    let move: Move;
    if (ours === undefined) move = "tighter";
    else if (upstream === undefined) move = "looser";
    else move = upstream > ours === lower ? "tighter" : "looser";
    const what =
      upstream === undefined
        ? `${key} ${ours} removed`
        : ours === undefined
          ? `${key} ${upstream} added`
          : `${key} changed from ${ours} to ${upstream}`;
    moved(move, "bound-changed", what, ours ?? null, upstream ?? null);
  }
}

function compareProse(o: SchemaView, u: SchemaView, emit: Emit): void {
  for (const key of ["description", "title"] as const) {
    if ((o[key] ?? "") !== (u[key] ?? "")) {
      emit("cosmetic", `${key}-changed`, `${key} differs`, o[key] ?? null, u[key] ?? null);
    }
  }
}

function compareProperties(
  o: SchemaView,
  u: SchemaView,
  where: string,
  ctx: SchemaContext,
  next: (ours: unknown, upstream: unknown, at: string) => void,
): void {
  const dir = ctx.direction;
  const oursRequired = new Set(o.required);
  const upstreamRequired = new Set(u.required);
  const names = [...new Set([...Object.keys(o.properties), ...Object.keys(u.properties)])].sort();
  for (const name of names) {
    const at = `${where}.${name}`;
    const inOurs = name in o.properties;
    const inUpstream = name in u.properties;
    const emit = (severity: Severity, kind: string, message: string) =>
      ctx.emit({ severity, kind, where: at, message });
    if (!inOurs) {
      const prop = viewSchema(u.properties[name], ctx.upstream);
      // A read-only field is never sent and a write-only one never returned, whatever `required` says.
      const irrelevant = dir === "request" ? prop.readOnly : prop.writeOnly;
      const required = upstreamRequired.has(name) && !irrelevant;
      if (required && dir === "request") {
        emit(
          "breaking",
          "property-added",
          `new required field "${name}": our client does not send it, so Atlas would refuse the request`,
        );
      } else {
        const label = required ? "required" : "optional";
        emit("notable", "property-added", `new ${label} field "${name}"`);
      }
      continue;
    }
    if (!inUpstream) {
      const prop = viewSchema(o.properties[name], ctx.ours);
      if (dir === "request" && !prop.readOnly) {
        emit(
          "breaking",
          "property-removed",
          `field "${name}" removed: our client lets callers send a field Atlas no longer documents`,
        );
      } else if (dir === "response" && oursRequired.has(name)) {
        emit(
          "breaking",
          "property-removed",
          `field "${name}" removed: our types say Atlas always returns it`,
        );
      } else {
        emit("notable", "property-removed", `field "${name}" removed`);
      }
      continue;
    }
    const wasRequired = oursRequired.has(name);
    const isRequired = upstreamRequired.has(name);
    if (wasRequired !== isRequired) {
      const move: Move = isRequired ? "tighter" : "looser";
      const what = isRequired
        ? `field "${name}" is now required`
        : `field "${name}" is now optional`;
      emit(severityOf(move, dir), "required-changed", `${what}: ${consequence(move, dir)}`);
    }
    next(o.properties[name], u.properties[name], at);
  }
}

function compareAdditional(
  o: SchemaView,
  u: SchemaView,
  where: string,
  moved: Moved,
  next: (ours: unknown, upstream: unknown, at: string) => void,
): void {
  const closed = (v: unknown) => v === false;
  if (closed(o.additionalProperties) !== closed(u.additionalProperties)) {
    const nowClosed = closed(u.additionalProperties);
    moved(
      nowClosed ? "tighter" : "looser",
      "additional-properties-changed",
      nowClosed ? "no longer allows extra fields" : "now allows extra fields",
    );
  }
  if (isObject(o.additionalProperties) && isObject(u.additionalProperties)) {
    next(o.additionalProperties, u.additionalProperties, `${where}{*}`);
  }
}
