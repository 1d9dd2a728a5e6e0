/**
 * The generated operation table with both of its halves, what the client reads at run time and
 * what only describes the operation, joined per operation for tests that need both.
 */
import { operationDetails, operations, type OperationId } from "../../generated/operations.js";

type Full = { [K in OperationId]: (typeof operations)[K] & (typeof operationDetails)[K] };

export const fullOperations = Object.fromEntries(
  (Object.keys(operations) as OperationId[]).map((id) => [
    id,
    { ...operations[id], ...operationDetails[id] },
  ]),
) as Full;
