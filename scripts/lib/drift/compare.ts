/**
 * The drift comparison: every operation of our spec against the upstream document.
 */
import {
  compareOperation,
  indexOperations,
  locate,
  operationIdOf,
  pathShape,
  securitySchemeNames,
  type CompareContext,
} from "./operations.js";
import { listOperations, RefResolver, textOf, type JsonObject } from "../openapi.js";
import { compareSecuritySchemes } from "./security.js";
import {
  SEVERITIES,
  type Counts,
  type Difference,
  type DriftReport,
  type OperationReport,
} from "./types.js";

function infoField(doc: JsonObject, key: string): string | null {
  const info = doc.info;
  if (typeof info !== "object" || info === null) return null;
  const value = textOf((info as JsonObject)[key]);
  return value === "" ? null : value;
}

/**
 * Compares `oursDoc` (our bundled spec) with `upstreamDoc`. Each of our operations is looked up
 * upstream by method and path; failing that, by operationId (it moved); failing both, it is gone.
 */
export function compareSpecs(
  oursDoc: JsonObject,
  upstreamDoc: JsonObject,
  source = "upstream",
): DriftReport {
  const ctx: CompareContext = {
    ours: new RefResolver(oursDoc, "our spec"),
    upstream: new RefResolver(upstreamDoc, source),
    oursDoc,
    upstreamDoc,
  };
  const index = indexOperations(listOperations(upstreamDoc, ctx.upstream));
  const operations: OperationReport[] = [];
  const schemeNames: string[] = [];

  for (const ours of listOperations(oursDoc, ctx.ours)) {
    const oursId = operationIdOf(ours);
    const differences: Difference[] = [];
    const upstream =
      index.byLocation.get(`${ours.method} ${pathShape(ours.path)}`) ??
      (oursId === null ? undefined : index.byId.get(oursId));
    if (upstream) {
      compareOperation(ours, upstream, ctx, (d) => differences.push(d));
      schemeNames.push(
        ...securitySchemeNames(ours.operation, oursDoc),
        ...securitySchemeNames(upstream.operation, upstreamDoc),
      );
    } else {
      differences.push({
        severity: "breaking",
        kind: "operation-removed",
        where: "operation",
        message: `upstream has no ${ours.method.toUpperCase()} ${ours.path} and no operation named ${oursId ?? "like ours"}`,
      });
    }
    operations.push({
      operationId: oursId ?? `${ours.method.toUpperCase()} ${ours.path}`,
      method: ours.method.toUpperCase(),
      path: ours.path,
      upstream: upstream ? locate(upstream) : null,
      differences,
    });
  }

  const securitySchemes = compareSecuritySchemes(
    schemeNames,
    oursDoc,
    upstreamDoc,
    ctx.ours,
    ctx.upstream,
  );
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Counts;
  for (const d of [...operations.flatMap((op) => op.differences), ...securitySchemes]) {
    counts[d.severity]++;
  }
  return {
    upstream: {
      source,
      title: infoField(upstreamDoc, "title"),
      version: infoField(upstreamDoc, "version"),
    },
    operations,
    securitySchemes,
    counts,
    problems: [...ctx.ours.problems, ...ctx.upstream.problems],
  };
}
