/** Looks operations up in the generated table by method and path template. */
import { operations, type OperationId } from "../generated/operations.js";

export type Operation = (typeof operations)[OperationId];

const byRoute = new Map<string, Operation>();
for (const op of Object.values(operations) as Operation[]) {
  byRoute.set(`${op.method} ${op.path}`, op);
}

/** The operation for a method and path template, or undefined when the spec has none. */
export function findOperation(method: string, pathTemplate: string): Operation | undefined {
  return byRoute.get(`${method} ${pathTemplate}`);
}

export { operations, type OperationId };
