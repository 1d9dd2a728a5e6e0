/**
 * Compares the security schemes our operations can be called with: the scheme type, the HTTP
 * auth scheme, and for OAuth 2.0 each flow with its endpoints and scopes. The client's auth code
 * is built on exactly these facts (the token URL, Digest), so a change in any of them is breaking.
 */
import { isObject, textOf, type JsonObject, type RefResolver } from "../openapi.js";
import type { Difference } from "./types.js";

function schemesOf(doc: JsonObject): JsonObject {
  const components = isObject(doc.components) ? doc.components : {};
  return isObject(components.securitySchemes) ? components.securitySchemes : {};
}

const FLOW_URLS = ["tokenUrl", "authorizationUrl", "refreshUrl"] as const;

export function compareSecuritySchemes(
  names: string[],
  oursDoc: JsonObject,
  upstreamDoc: JsonObject,
  ours: RefResolver,
  upstream: RefResolver,
): Difference[] {
  const out: Difference[] = [];
  const oursSchemes = schemesOf(oursDoc);
  const upstreamSchemes = schemesOf(upstreamDoc);
  for (const name of [...new Set(names)].sort()) {
    const where = `scheme ${name}`;
    const o = name in oursSchemes ? ours.object(oursSchemes[name]) : undefined;
    const u = name in upstreamSchemes ? upstream.object(upstreamSchemes[name]) : undefined;
    const add = (d: Omit<Difference, "where">) => out.push({ where, ...d });
    if (!o && !u) continue;
    if (!u) {
      add({
        severity: "breaking",
        kind: "scheme-removed",
        message: `upstream no longer defines ${name}, which our client authenticates with`,
      });
      continue;
    }
    if (!o) {
      add({
        severity: "notable",
        kind: "scheme-added",
        message: `upstream offers ${name} (type ${String(u.type)}) for these operations`,
      });
      continue;
    }
    const same = (key: string, caseless = false) => {
      const a = textOf(o[key]);
      const b = textOf(u[key]);
      return caseless ? a.toLowerCase() === b.toLowerCase() : a === b;
    };
    for (const [key, caseless] of [
      ["type", false],
      ["scheme", true],
      ["in", false],
      ["name", false],
      ["openIdConnectUrl", false],
    ] as const) {
      if (same(key, caseless)) continue;
      add({
        severity: "breaking",
        kind: "scheme-changed",
        message: `${key} changed from ${textOf(o[key]) || "none"} to ${textOf(u[key]) || "none"}`,
        ours: o[key] ?? null,
        upstream: u[key] ?? null,
      });
    }
    if (!same("bearerFormat")) {
      add({
        severity: "cosmetic",
        kind: "scheme-changed",
        message: "bearerFormat differs",
        ours: o.bearerFormat ?? null,
        upstream: u.bearerFormat ?? null,
      });
    }
    if (!same("description")) {
      add({
        severity: "cosmetic",
        kind: "description-changed",
        message: "description differs",
        ours: o.description ?? null,
        upstream: u.description ?? null,
      });
    }
    compareFlows(o, u, (d) => add(d));
  }
  return out;
}

function compareFlows(
  o: JsonObject,
  u: JsonObject,
  add: (d: Omit<Difference, "where">) => void,
): void {
  const oursFlows = isObject(o.flows) ? o.flows : {};
  const upstreamFlows = isObject(u.flows) ? u.flows : {};
  for (const flow of Object.keys(upstreamFlows).filter((f) => !(f in oursFlows))) {
    add({ severity: "notable", kind: "flow-added", message: `new OAuth 2.0 flow ${flow}` });
  }
  for (const [flow, rawOurs] of Object.entries(oursFlows)) {
    const rawUpstream = upstreamFlows[flow];
    if (!isObject(rawOurs)) continue;
    if (!isObject(rawUpstream)) {
      add({
        severity: "breaking",
        kind: "flow-removed",
        message: `OAuth 2.0 flow ${flow} is gone upstream: our client uses it`,
      });
      continue;
    }
    for (const key of FLOW_URLS) {
      if (rawOurs[key] === rawUpstream[key]) continue;
      add({
        severity: "breaking",
        kind: "flow-changed",
        message: `${flow} ${key} changed from ${textOf(rawOurs[key]) || "none"} to ${textOf(rawUpstream[key]) || "none"}`,
        ours: rawOurs[key] ?? null,
        upstream: rawUpstream[key] ?? null,
      });
    }
    const oursScopes = Object.keys(isObject(rawOurs.scopes) ? rawOurs.scopes : {});
    const upstreamScopes = Object.keys(isObject(rawUpstream.scopes) ? rawUpstream.scopes : {});
    const removed = oursScopes.filter((s) => !upstreamScopes.includes(s));
    const added = upstreamScopes.filter((s) => !oursScopes.includes(s));
    if (removed.length > 0) {
      add({
        severity: "breaking",
        kind: "scopes-removed",
        message: `${flow} scopes removed: ${removed.join(", ")}`,
        ours: removed,
      });
    }
    if (added.length > 0) {
      add({
        severity: "notable",
        kind: "scopes-added",
        message: `${flow} scopes added: ${added.join(", ")}`,
        upstream: added,
      });
    }
  }
}
