/**
 * Which credentials lack the role an operation needs. Atlas answers such a call with a 401 whose
 * errorCode is USER_UNAUTHORIZED while the credentials themselves stay valid (observed:
 * github.com/mongodb/terraform-provider-mongodbatlas/pull/664). The fake knows no role model of
 * its own: every credential it accepts may call every operation, until a test says otherwise
 * with `lacksRole` rules.
 */
import { operations, type OperationId } from "../operations.js";

/**
 * A credential of the fake: `"serviceAccount"`, `"apiKey"` or `"accessToken"` name the kinds the
 * fake accepts (any token issued to the service account, the API key, any of the fixed access
 * tokens); any other string names one credential exactly: a service account's client id, an API
 * key's public key, an access token, or the `credential` a custom auth scheme reports.
 */
export type FakeCredential = "serviceAccount" | "apiKey" | "accessToken" | (string & {});

/**
 * "These credentials lack the role for these operations". Every field narrows the rule; a rule
 * with no fields denies every operation to every credential.
 */
export interface LacksRole {
  /** Whose credentials lack the role. Default: every credential. */
  credential?: FakeCredential | undefined;
  /** The operations they may not call. Default: every operation. */
  operationId?: OperationId | readonly OperationId[] | undefined;
  /** Only in this organization (calls whose path has this orgId). */
  orgId?: string | undefined;
  /** Only in this project (calls whose path has this groupId). */
  groupId?: string | undefined;
}

/** A rule that is in force, and a way to lift it. */
export interface RoleDenial {
  readonly rule: Readonly<LacksRole>;
  /** Calls it has refused so far. */
  readonly hits: number;
  /** Lifts the rule: the calls it refused succeed again. */
  remove(): void;
}

/** The controls of `fake.roles`. */
export interface FakeRoles {
  /**
   * Makes matching calls fail with 401 USER_UNAUTHORIZED, as Atlas answers a caller whose
   * credentials are valid but lack the role. An operationId (or a list of them) is short for
   * `{ operationId }`; no argument denies everything to everyone.
   *
   * @example
   * const fake = await startFakeAtlas();
   * // The API key may read users but not change them.
   * const rule = fake.roles.deny({ credential: "apiKey", operationId: ["updateOrgUser", "addGroupUserRole"] });
   * // ... run the code under test, then:
   * rule.remove();
   */
  deny(rule?: LacksRole | OperationId | readonly OperationId[]): RoleDenial;
  /** Lifts every rule, from `lacksRole` and from `deny` alike. */
  reset(): void;
  /** The rules in force, oldest first. */
  readonly denials: readonly RoleDenial[];
}

/** Who made a call: the kind of credential and its own name. */
export interface Caller {
  kind: "serviceAccount" | "apiKey" | "accessToken" | "custom";
  /** Client id, public key, access token, or what a custom scheme reported. */
  id: string | undefined;
}

interface Entry {
  rule: Readonly<LacksRole>;
  operations: ReadonlySet<string> | undefined;
  hits: number;
}

function normalise(input: LacksRole | OperationId | readonly OperationId[] | undefined): LacksRole {
  if (input === undefined) return {};
  if (typeof input === "string" || Array.isArray(input)) {
    return { operationId: input as OperationId | readonly OperationId[] };
  }
  if (typeof input !== "object" || input === null) {
    throw new TypeError("roles.deny: give a rule object, an operationId or a list of them");
  }
  return input as LacksRole;
}

function check(rule: LacksRole): ReadonlySet<string> | undefined {
  for (const key of Object.keys(rule)) {
    if (!["credential", "operationId", "orgId", "groupId"].includes(key)) {
      throw new TypeError(`roles.deny: ${key} is not a field of a rule`);
    }
  }
  for (const key of ["credential", "orgId", "groupId"] as const) {
    if (rule[key] !== undefined && typeof rule[key] !== "string") {
      throw new TypeError(`roles.deny: ${key} must be a string`);
    }
  }
  if (rule.operationId === undefined) return undefined;
  const ids: readonly unknown[] = Array.isArray(rule.operationId)
    ? rule.operationId
    : [rule.operationId];
  for (const id of ids) {
    if (typeof id !== "string" || !(id in operations)) {
      throw new TypeError(`roles.deny: ${String(id)} is not an operation of the spec`);
    }
  }
  return new Set(ids as string[]);
}

/** The rule book of one fake Atlas. */
export class RoleRules implements FakeRoles {
  readonly #entries: Entry[] = [];

  deny(input?: LacksRole | OperationId | readonly OperationId[]): RoleDenial {
    const rule = Object.freeze({ ...normalise(input) });
    const entry: Entry = { rule, operations: check(rule), hits: 0 };
    this.#entries.push(entry);
    return this.#handle(entry);
  }

  reset(): void {
    this.#entries.length = 0;
  }

  get denials(): readonly RoleDenial[] {
    return this.#entries.map((entry) => this.#handle(entry));
  }

  /** True when a rule refuses this call; the first such rule counts it as a hit. */
  refuses(caller: Caller, operationId: string, params: Record<string, string>): boolean {
    const entry = this.#entries.find(({ rule, operations: only }) => {
      const who = rule.credential;
      if (who !== undefined && who !== caller.kind && who !== caller.id) return false;
      if (only !== undefined && !only.has(operationId)) return false;
      if (rule.orgId !== undefined && params.orgId !== rule.orgId) return false;
      return rule.groupId === undefined || params.groupId === rule.groupId;
    });
    if (entry) entry.hits++;
    return entry !== undefined;
  }

  #handle(entry: Entry): RoleDenial {
    const entries = this.#entries;
    return {
      rule: entry.rule,
      get hits() {
        return entry.hits;
      },
      remove() {
        const i = entries.indexOf(entry);
        if (i !== -1) entries.splice(i, 1);
      },
    };
  }
}
