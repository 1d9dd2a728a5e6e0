/**
 * The package loaded afresh, with none of the state an earlier import gathered (such as which
 * deprecated operations already raised their once-per-process warning).
 */
import { vi } from "vitest";
import type * as Index from "../../src/index.js";

export type Package = typeof Index;

export async function freshPackage(): Promise<Package> {
  vi.resetModules();
  return import("../../src/index.js");
}
