/** The generated operation table, and lookups into it by route. */
import { operations, type OperationId } from "../generated/operations.js";

export type Operation = (typeof operations)[OperationId];

/** Operations by path template, then by upper-case method. */
const byPath = new Map<string, Record<string, Operation>>();
for (const op of Object.values(operations) as Operation[]) {
  const methods = byPath.get(op.path) ?? {};
  methods[op.method] = op;
  byPath.set(op.path, methods);
}

/** The operation for a method and path template, or undefined when the spec has none. */
export function findOperation(method: string, pathTemplate: string): Operation | undefined {
  return byPath.get(pathTemplate)?.[method];
}

export { operations, type OperationId };
