export { compareSpecs } from "./compare.js";
export { DriftInputError, loadSpec, parseSpec, readSource, type LoadOptions } from "./load.js";
export {
  exitCodeFor,
  formatText,
  toJsonView,
  type DriftReportView,
  type ViewOptions,
} from "./report.js";
export type { Counts, Difference, DriftReport, OperationReport, Severity } from "./types.js";
