/**
 * Finds each of our operations in the upstream document and compares what a client of it depends
 * on: identity, deprecation and sunset, security, parameters, request body, responses.
 */
import { isObject, textOf, type JsonObject, type Operation, type RefResolver } from "../openapi.js";
import { chooseVersion } from "../operation-table.js";
import { compareSchemas, show, type Direction } from "./schema.js";
import type { Difference, OperationLocation, Severity } from "./types.js";

/**
 * `/groups/{groupId}/invites` and `/groups/{projectId}/invites` are the same URL. The colon of a
 * custom method (`/users/{userId}:addRole`) is part of the path and stays; a copy that writes it
 * percent-encoded (`%3A`, RFC 3986 section 2.1) names the same URL.
 */
export function pathShape(path: string): string {
  return path.replace(/%3A/gi, ":").replace(/\{[^}]*\}/g, "{}");
}

export function operationIdOf(op: Operation): string | null {
  return typeof op.operation.operationId === "string" ? op.operation.operationId : null;
}

export interface UpstreamIndex {
  byLocation: Map<string, Operation>;
  byId: Map<string, Operation>;
}

export function indexOperations(operations: Operation[]): UpstreamIndex {
  const byLocation = new Map<string, Operation>();
  const byId = new Map<string, Operation>();
  for (const op of operations) {
    byLocation.set(`${op.method} ${pathShape(op.path)}`, op);
    const id = operationIdOf(op);
    if (id !== null && !byId.has(id)) byId.set(id, op);
  }
  return { byLocation, byId };
}

export function locate(op: Operation): OperationLocation {
  return { operationId: operationIdOf(op), method: op.method.toUpperCase(), path: op.path };
}

export interface CompareContext {
  ours: RefResolver;
  upstream: RefResolver;
  oursDoc: JsonObject;
  upstreamDoc: JsonObject;
}

type Emit = (difference: Difference) => void;

/** The API versions of one operation on each side, and the one our client sends. */
interface OperationVersions {
  sent: string | null;
  ours: string[];
  upstream: string[];
}

interface OperationContext extends CompareContext {
  versions: OperationVersions;
}

const VERSIONED = /^application\/vnd\.atlas\.(\d{4}-\d{2}-\d{2}|preview)\+([a-z0-9.-]+)$/;

/** The Atlas API version a media type selects (`2023-01-01`), or null for a plain media type. */
export function versionOf(mediaType: string): string | null {
  return VERSIONED.exec(mediaType.toLowerCase())?.[1] ?? null;
}

function formatOf(mediaType: string): string | null {
  return VERSIONED.exec(mediaType.toLowerCase())?.[2] ?? null;
}

function successCodes(op: JsonObject): string[] {
  const responses = isObject(op.responses) ? op.responses : {};
  return Object.keys(responses).filter((code) => /^2/.test(code));
}

/** The API versions an operation answers in, read from its success responses' media types. */
export function versionsOf(op: JsonObject, resolver: RefResolver): string[] {
  const versions = new Set<string>();
  const responses = isObject(op.responses) ? op.responses : {};
  for (const code of successCodes(op)) {
    const content = resolver.object(responses[code])?.content;
    if (!isObject(content)) continue;
    for (const mediaType of Object.keys(content)) {
      const version = versionOf(mediaType);
      if (version) versions.add(version);
    }
  }
  return [...versions].sort();
}

/**
 * The API version our client sends for an operation: the generator's own rule
 * (`chooseVersion`, which picks `version` in generated/operations.ts), applied to the first
 * success status, so the report and the client agree on which version matters most.
 */
export function sentVersionOf(op: JsonObject, resolver: RefResolver): string | null {
  const responses = isObject(op.responses) ? op.responses : {};
  const first = successCodes(op).sort()[0];
  const content = first === undefined ? undefined : resolver.object(responses[first])?.content;
  if (!isObject(content)) return null;
  const candidates = Object.entries(content).flatMap(([mediaType, media]) => {
    const version = versionOf(mediaType);
    if (version === null || !/^\d/.test(version)) return [];
    const sunset = isObject(media) ? textOf(media["x-sunset"]) : "";
    return [{ version, mediaType, schema: undefined, sunset: sunset === "" ? null : sunset }];
  });
  return chooseVersion(candidates)?.version ?? null;
}

/** Every API version an operation is documented in: its success responses and its request body. */
function documentedVersions(op: JsonObject, resolver: RefResolver): string[] {
  const versions = new Set(versionsOf(op, resolver));
  const content = resolver.object(op.requestBody)?.content;
  for (const mediaType of Object.keys(isObject(content) ? content : {})) {
    const version = versionOf(mediaType);
    if (version) versions.add(version);
  }
  return [...versions].sort();
}

/**
 * The sunset date of `version` of an operation. Dated upstream files (and our spec) put
 * `x-sunset` on the operation; the multi-version `v2.yaml` puts it on each success media type,
 * because each version of an operation has its own.
 */
export function sunsetOf(
  op: JsonObject,
  resolver: RefResolver,
  version: string | null,
): string | null {
  const onOperation = textOf(op["x-sunset"]);
  if (onOperation !== "") return onOperation;
  const responses = isObject(op.responses) ? op.responses : {};
  const found: { version: string | null; sunset: string }[] = [];
  for (const code of successCodes(op)) {
    const content = resolver.object(responses[code])?.content;
    if (!isObject(content)) continue;
    for (const [mediaType, media] of Object.entries(content)) {
      const sunset = isObject(media) ? textOf(media["x-sunset"]) : "";
      if (sunset !== "") found.push({ version: versionOf(mediaType), sunset });
    }
  }
  const exact = found.find((f) => version !== null && f.version === version);
  if (exact) return exact.sunset;
  // No version to match (or ours has none): a single sunset is unambiguous.
  const distinct = [...new Set(found.map((f) => f.sunset))];
  return version === null && distinct.length === 1 ? (distinct[0] ?? null) : null;
}

function securityAlternatives(op: JsonObject, doc: JsonObject): string[] | null {
  const requirement = Array.isArray(op.security)
    ? op.security
    : Array.isArray(doc.security)
      ? doc.security
      : null;
  if (requirement === null) return null;
  return requirement
    .filter(isObject)
    .map((alt) => (Object.keys(alt).length === 0 ? "(none)" : Object.keys(alt).sort().join(" + ")))
    .sort();
}

/** Names of the security schemes an operation may be called with. */
export function securitySchemeNames(op: JsonObject, doc: JsonObject): string[] {
  const requirement = Array.isArray(op.security)
    ? op.security
    : Array.isArray(doc.security)
      ? doc.security
      : [];
  return [...new Set(requirement.filter(isObject).flatMap((alt) => Object.keys(alt)))];
}

/** Compares one of our operations with its upstream counterpart. */
export function compareOperation(
  ours: Operation,
  upstream: Operation,
  ctx: CompareContext,
  emit: Emit,
): void {
  const o = ours.operation;
  const u = upstream.operation;
  const at = (severity: Severity, kind: string, message: string, a?: unknown, b?: unknown) =>
    emit({ severity, kind, where: "operation", message, ours: a, upstream: b });

  if (ours.method !== upstream.method || pathShape(ours.path) !== pathShape(upstream.path)) {
    at(
      "breaking",
      "operation-moved",
      `upstream serves this operation at ${upstream.method.toUpperCase()} ${upstream.path}; our client calls ${ours.method.toUpperCase()} ${ours.path}`,
      `${ours.method.toUpperCase()} ${ours.path}`,
      `${upstream.method.toUpperCase()} ${upstream.path}`,
    );
  }
  const oursId = operationIdOf(ours);
  const upstreamId = operationIdOf(upstream);
  if (oursId !== upstreamId) {
    at(
      "notable",
      "operation-renamed",
      `upstream calls this operation ${upstreamId ?? "(no operationId)"}, we call it ${oursId ?? "(no operationId)"}`,
      oursId,
      upstreamId,
    );
  }
  const oursDeprecated = o.deprecated === true;
  const upstreamDeprecated = u.deprecated === true;
  if (oursDeprecated !== upstreamDeprecated) {
    at(
      "notable",
      "deprecated-changed",
      upstreamDeprecated
        ? "upstream now marks it deprecated"
        : "upstream no longer marks it deprecated",
      oursDeprecated,
      upstreamDeprecated,
    );
  }
  const versions: OperationVersions = {
    sent: sentVersionOf(o, ctx.ours),
    ours: documentedVersions(o, ctx.ours),
    upstream: documentedVersions(u, ctx.upstream),
  };
  const octx: OperationContext = { ...ctx, versions };
  compareVersions(o, u, octx, emit);
  for (const key of ["summary", "description"] as const) {
    if (textOf(o[key]) !== textOf(u[key])) {
      at("cosmetic", `${key}-changed`, `${key} differs`, o[key] ?? null, u[key] ?? null);
    }
  }
  const oursTags = Array.isArray(o.tags) ? o.tags.map(String).sort() : [];
  const upstreamTags = Array.isArray(u.tags) ? u.tags.map(String).sort() : [];
  if (show(oursTags) !== show(upstreamTags)) {
    at("cosmetic", "tags-changed", "tags differ", oursTags, upstreamTags);
  }

  compareSecurity(o, u, ctx, emit);
  compareParameters(ours, upstream, ctx, emit);
  compareRequestBody(o, u, octx, emit);
  compareResponses(o, u, octx, emit);
}

/**
 * The API versions of an operation and their sunsets, compared once per operation rather than
 * once per media type and status. What matters most is the version our client sends
 * ({@link sentVersionOf}): a sunset appearing on it puts an end date on every released copy of
 * the client, while a new version upstream is an option for the next release.
 */
function compareVersions(o: JsonObject, u: JsonObject, ctx: OperationContext, emit: Emit): void {
  const { sent, ours, upstream } = ctx.versions;
  for (const version of upstream.filter((v) => !ours.includes(v))) {
    const relation =
      sent === null
        ? "our client sends no dated version"
        : `${version > sent ? "newer" : "older"} than ${sent}, the version our client sends`;
    emit({
      severity: "notable",
      kind: "version-added",
      where: `version ${version}`,
      message: `upstream has API version ${version} of this operation, ${relation}; our spec does not describe it yet (calls keep working meanwhile)`,
      upstream: version,
    });
  }
  for (const version of ours.filter((v) => !upstream.includes(v))) {
    const isSent = version === sent;
    emit({
      severity: isSent ? "breaking" : "notable",
      kind: "version-removed",
      where: `version ${version}`,
      message: isSent
        ? `API version ${version} is gone upstream: our client sends it`
        : `API version ${version} is gone upstream (our spec documents it; our client sends ${sent ?? "another"})`,
      ours: version,
    });
  }
  // Sunsets: the version we send first (reported on the operation), then the other versions both
  // sides document. A version without a date on either side has nothing to compare.
  const shared = ours.filter((v) => upstream.includes(v) && v !== sent);
  const checked: (string | null)[] = [sent, ...shared];
  for (const version of checked) {
    const oursSunset = sunsetOf(o, ctx.ours, version);
    const upstreamSunset = sunsetOf(u, ctx.upstream, version);
    if (oursSunset === upstreamSunset) continue;
    const isSent = version === sent;
    const of = version ? ` of version ${version}` : "";
    if (isSent && oursSunset === null) {
      emit({
        severity: "breaking",
        kind: "sunset-added",
        where: "operation",
        message: `upstream sets sunset ${upstreamSunset ?? ""} on ${version ? `version ${version}` : "this operation"}, the version our client sends: after that date Atlas answers it with 410 Gone, so the client must move to another version before then`,
        ours: null,
        upstream: upstreamSunset,
      });
      continue;
    }
    emit({
      severity: "notable",
      kind: "sunset-changed",
      where: isSent ? "operation" : `version ${version ?? ""}`,
      message: `sunset${of} moved from ${oursSunset ?? "none"} to ${upstreamSunset ?? "none"}`,
      ours: oursSunset,
      upstream: upstreamSunset,
    });
  }
}

function compareSecurity(o: JsonObject, u: JsonObject, ctx: CompareContext, emit: Emit): void {
  const ours = securityAlternatives(o, ctx.oursDoc) ?? [];
  const upstream = securityAlternatives(u, ctx.upstreamDoc) ?? [];
  for (const alt of ours.filter((a) => !upstream.includes(a))) {
    emit({
      severity: "breaking",
      kind: "security-removed",
      where: "security",
      message: `Atlas no longer accepts ${alt} for this operation`,
      ours: alt,
    });
  }
  for (const alt of upstream.filter((a) => !ours.includes(a))) {
    emit({
      severity: "notable",
      kind: "security-added",
      where: "security",
      message: `Atlas now also accepts ${alt} for this operation`,
      upstream: alt,
    });
  }
}

interface Param {
  key: string;
  label: string;
  raw: JsonObject;
}

/**
 * The parameters an operation takes: path-level ones overridden by operation-level ones with the
 * same name and location. Path parameters are keyed by their position in the template, so a
 * renamed placeholder (`{groupId}` to `{projectId}`) is recognised as the same parameter.
 */
function parametersOf(op: Operation, resolver: RefResolver): Map<string, Param> {
  const byNameIn = new Map<string, JsonObject>();
  const lists = [op.pathItem.parameters, op.operation.parameters];
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const param = resolver.object(raw);
      if (!param || typeof param.name !== "string" || typeof param.in !== "string") continue;
      const name = param.in === "header" ? param.name.toLowerCase() : param.name;
      byNameIn.set(`${param.in}:${name}`, param);
    }
  }
  const placeholders = [...op.path.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]);
  const params = new Map<string, Param>();
  for (const [nameIn, param] of byNameIn) {
    const name = String(param.name);
    const position = param.in === "path" ? placeholders.indexOf(name) : -1;
    const key = position >= 0 ? `path#${position}` : nameIn;
    params.set(key, { key, label: `parameter ${name} (${String(param.in)})`, raw: param });
  }
  return params;
}

function compareParameters(
  ours: Operation,
  upstream: Operation,
  ctx: CompareContext,
  emit: Emit,
): void {
  const oursParams = parametersOf(ours, ctx.ours);
  const upstreamParams = parametersOf(upstream, ctx.upstream);
  for (const [key, u] of upstreamParams) {
    if (oursParams.has(key)) continue;
    const required = u.raw.required === true || u.raw.in === "path";
    emit({
      severity: required ? "breaking" : "notable",
      kind: "parameter-added",
      where: u.label,
      message: required
        ? "new required parameter: our client does not send it"
        : "new optional parameter",
    });
  }
  for (const [key, o] of oursParams) {
    const u = upstreamParams.get(key);
    if (!u) {
      emit({
        severity: "breaking",
        kind: "parameter-removed",
        where: o.label,
        message: "parameter removed upstream: our client sends one Atlas no longer documents",
      });
      continue;
    }
    if (o.raw.name !== u.raw.name) {
      emit({
        severity: "cosmetic",
        kind: "parameter-renamed",
        where: o.label,
        message: `path placeholder renamed to {${String(u.raw.name)}} (the URL is unchanged)`,
        ours: o.raw.name,
        upstream: u.raw.name,
      });
    }
    const oursRequired = o.raw.required === true || o.raw.in === "path";
    const upstreamRequired = u.raw.required === true || u.raw.in === "path";
    if (oursRequired !== upstreamRequired) {
      emit({
        severity: upstreamRequired ? "breaking" : "notable",
        kind: "parameter-required-changed",
        where: o.label,
        message: upstreamRequired
          ? "now required: our client may leave it out"
          : "now optional (we require it)",
        ours: oursRequired,
        upstream: upstreamRequired,
      });
    }
    if ((o.raw.deprecated === true) !== (u.raw.deprecated === true)) {
      emit({
        severity: "notable",
        kind: "deprecated-changed",
        where: o.label,
        message: u.raw.deprecated === true ? "now deprecated" : "no longer deprecated",
      });
    }
    if (textOf(o.raw.description) !== textOf(u.raw.description)) {
      emit({
        severity: "cosmetic",
        kind: "description-changed",
        where: o.label,
        message: "description differs",
        ours: o.raw.description ?? null,
        upstream: u.raw.description ?? null,
      });
    }
    compareSchemas(o.raw.schema, u.raw.schema, `${o.label} schema`, {
      direction: "request",
      ours: ctx.ours,
      upstream: ctx.upstream,
      emit,
      defaultSeverity: "breaking",
    });
  }
}

function compareRequestBody(o: JsonObject, u: JsonObject, ctx: OperationContext, emit: Emit): void {
  const ours = ctx.ours.object(o.requestBody);
  const upstream = ctx.upstream.object(u.requestBody);
  const where = "request body";
  if (!ours && !upstream) return;
  if (!ours && upstream) {
    const required = upstream.required === true;
    emit({
      severity: required ? "breaking" : "notable",
      kind: "request-body-added",
      where,
      message: required
        ? "Atlas now requires a request body; our client sends none"
        : "Atlas now accepts an optional request body",
    });
    return;
  }
  if (ours && !upstream) {
    emit({
      severity: "breaking",
      kind: "request-body-removed",
      where,
      message: "Atlas no longer takes a request body; our client sends one",
    });
    return;
  }
  if (!ours || !upstream) return;
  if ((ours.required === true) !== (upstream.required === true)) {
    emit({
      severity: upstream.required === true ? "breaking" : "notable",
      kind: "request-body-required-changed",
      where,
      message: upstream.required === true ? "the body is now required" : "the body is now optional",
    });
  }
  if (textOf(ours.description) !== textOf(upstream.description)) {
    emit({
      severity: "cosmetic",
      kind: "description-changed",
      where,
      message: "description differs",
      ours: ours.description ?? null,
      upstream: upstream.description ?? null,
    });
  }
  compareContent(ours.content, upstream.content, "request", "request", ctx, emit);
}

/**
 * Pairs media types: the same name first; then one of our versioned types whose version is gone
 * upstream is compared with upstream's newest version of the same format, so the report also
 * says how the replacement version's schema differs.
 */
function compareContent(
  oursRaw: unknown,
  upstreamRaw: unknown,
  label: string,
  direction: Direction,
  ctx: OperationContext,
  emit: Emit,
): void {
  const { sent } = ctx.versions;
  const lower = (content: unknown) =>
    new Map(Object.entries(isObject(content) ? content : {}).map(([k, v]) => [k.toLowerCase(), v]));
  const ours = lower(oursRaw);
  const upstream = lower(upstreamRaw);
  const pairs: [string, string][] = [];
  const unmatchedUpstream = new Set([...upstream.keys()].filter((k) => !ours.has(k)));
  for (const mediaType of ours.keys()) {
    if (upstream.has(mediaType)) pairs.push([mediaType, mediaType]);
  }
  // A version that appears or goes for the whole operation is reported once (compareVersions).
  // Here: plain media types, and a version that one side still documents for the operation but no
  // longer (or not yet) under this request body or status.
  for (const mediaType of [...upstream.keys()].filter((k) => !ours.has(k))) {
    const version = versionOf(mediaType);
    if (version && !ctx.versions.ours.includes(version)) continue;
    if (version) {
      emit({
        severity: "notable",
        kind: "version-added",
        where: `${label} ${mediaType}`,
        message: `upstream documents version ${version} here too; our spec does not`,
        upstream: mediaType,
      });
      continue;
    }
    emit({
      severity: "notable",
      kind: "media-type-added",
      where: `${label} ${mediaType}`,
      message: `new media type ${mediaType}`,
      upstream: mediaType,
    });
  }
  for (const mediaType of [...ours.keys()].filter((k) => !upstream.has(k))) {
    const version = versionOf(mediaType);
    if (!version) {
      emit({
        severity: "breaking",
        kind: "media-type-removed",
        where: `${label} ${mediaType}`,
        message: `media type ${mediaType} is gone upstream`,
        ours: mediaType,
      });
      continue;
    }
    if (ctx.versions.upstream.includes(version)) {
      emit({
        severity: version === sent ? "breaking" : "notable",
        kind: "version-removed",
        where: `${label} ${mediaType}`,
        message:
          version === sent
            ? `upstream no longer documents version ${version} here, the version our client sends`
            : `upstream no longer documents version ${version} here (our client sends ${sent ?? "another"})`,
        ours: mediaType,
      });
    }
    const replacement = [...unmatchedUpstream]
      .filter((k) => versionOf(k) !== null && formatOf(k) === formatOf(mediaType))
      .sort((a, b) => (versionOf(a) ?? "").localeCompare(versionOf(b) ?? ""))
      .at(-1);
    if (replacement) {
      unmatchedUpstream.delete(replacement);
      pairs.push([mediaType, replacement]);
    }
  }
  for (const [oursType, upstreamType] of pairs) {
    const o = ctx.ours.object(ours.get(oursType)) ?? {};
    const u = ctx.upstream.object(upstream.get(upstreamType)) ?? {};
    const where = `${label} ${upstreamType} body`;
    const hasO = o.schema !== undefined;
    const hasU = u.schema !== undefined;
    if (hasO !== hasU) {
      emit({
        severity: "breaking",
        kind: hasU ? "body-schema-added" : "body-schema-removed",
        where,
        message: hasU ? "the body now has a schema (we expect none)" : "the body lost its schema",
      });
      continue;
    }
    if (!hasO) continue;
    compareSchemas(o.schema, u.schema, where, {
      direction,
      ours: ctx.ours,
      upstream: ctx.upstream,
      emit,
      defaultSeverity: "notable",
    });
  }
}

function compareResponses(o: JsonObject, u: JsonObject, ctx: OperationContext, emit: Emit): void {
  const ours = isObject(o.responses) ? o.responses : {};
  const upstream = isObject(u.responses) ? u.responses : {};
  const success = (code: string) => code.startsWith("2");
  for (const code of Object.keys(upstream).filter((c) => !(c in ours))) {
    emit({
      severity: success(code) ? "breaking" : "notable",
      kind: "status-added",
      where: `response ${code}`,
      message: success(code)
        ? `new success status ${code}: our client does not expect it`
        : `new error status ${code}`,
      upstream: code,
    });
  }
  for (const code of Object.keys(ours).filter((c) => !(c in upstream))) {
    emit({
      severity: success(code) ? "breaking" : "notable",
      kind: "status-removed",
      where: `response ${code}`,
      message: success(code)
        ? `success status ${code} is gone: our client expects it`
        : `error status ${code} is no longer documented`,
      ours: code,
    });
  }
  for (const code of Object.keys(ours).filter((c) => c in upstream)) {
    const oursResponse = ctx.ours.object(ours[code]) ?? {};
    const upstreamResponse = ctx.upstream.object(upstream[code]) ?? {};
    const label = `response ${code}`;
    if (textOf(oursResponse.description) !== textOf(upstreamResponse.description)) {
      emit({
        severity: "cosmetic",
        kind: "description-changed",
        where: label,
        message: "description differs",
        ours: oursResponse.description ?? null,
        upstream: upstreamResponse.description ?? null,
      });
    }
    compareHeaders(oursResponse.headers, upstreamResponse.headers, label, ctx, emit);
    compareContent(oursResponse.content, upstreamResponse.content, label, "response", ctx, emit);
  }
}

function compareHeaders(
  oursRaw: unknown,
  upstreamRaw: unknown,
  label: string,
  ctx: CompareContext,
  emit: Emit,
): void {
  // Header names are case-insensitive (RFC 9110, section 5.1).
  const lower = (headers: unknown) =>
    new Map(
      Object.entries(isObject(headers) ? headers : {}).map(([k, v]) => [k.toLowerCase(), [k, v]]),
    );
  const ours = lower(oursRaw);
  const upstream = lower(upstreamRaw);
  for (const [key, [name]] of upstream) {
    if (ours.has(key)) continue;
    emit({
      severity: "notable",
      kind: "header-added",
      where: `${label} header ${String(name)}`,
      message: `new response header ${String(name)}`,
    });
  }
  for (const [key, [name, oursHeader]] of ours) {
    const where = `${label} header ${String(name)}`;
    const entry = upstream.get(key);
    if (!entry) {
      emit({
        severity: "notable",
        kind: "header-removed",
        where,
        message: `response header ${String(name)} is no longer documented`,
      });
      continue;
    }
    const o = ctx.ours.object(oursHeader) ?? {};
    const u = ctx.upstream.object(entry[1]) ?? {};
    if ((o.required === true) !== (u.required === true)) {
      emit({
        severity: u.required === true ? "notable" : "breaking",
        kind: "header-required-changed",
        where,
        message:
          u.required === true
            ? "now always sent"
            : "no longer always sent: our types say it is always there",
      });
    }
    if (textOf(o.description) !== textOf(u.description)) {
      emit({
        severity: "cosmetic",
        kind: "description-changed",
        where,
        message: "description differs",
        ours: o.description ?? null,
        upstream: u.description ?? null,
      });
    }
    compareSchemas(o.schema, u.schema, where, {
      direction: "response",
      ours: ctx.ours,
      upstream: ctx.upstream,
      emit,
      defaultSeverity: "notable",
    });
  }
}
