/**
 * One method per operation of the table, each a few lines over the openapi-fetch client's
 * GET/PATCH/POST on the spec's path template, and `paginate` over the list operations. Everything
 * else a call goes through (version, validation, authentication, retries) is the client's
 * middleware and fetch, the same for a method and for a call made on `atlas.client`.
 */
import type { Client } from "openapi-fetch";
import type { paths } from "../generated/atlas.js";
import { AtlasApiError, AtlasValidationError } from "./errors.js";
import { refuseAnswer } from "./http/attempt.js";
import { operations, type Operation, type OperationId } from "./operations.js";
import { redactUrl, type Scrub } from "./text.js";
import { kind, report, show, type Violation, type ViolationRule } from "./validation/rules.js";
import type { ItemOf, ListOperationId, OperationMethods, PaginateInput } from "./types.js";

type Send = (
  path: string,
  init: Record<string, unknown>,
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

export interface Methods extends OperationMethods {
  /**
   * Every item of every page of a list operation, one request per page, from `pageNum` (default
   * 1) until a page comes back short or `totalCount` is reached. A page without `results`, or
   * beginning with the previous page's first item (a server ignoring `pageNum`), rejects with
   * `AtlasApiError`. Aborting the call's `signal` stops it before the next item, even one of a page
   * already read, with the signal's reason.
   *
   * @example
   * for await (const user of atlas.paginate("listOrgUsers", {
   *   orgId: "4888442a3354817a7320eb61",
   *   orgMembershipStatuses: ["PENDING"],
   * })) {
   *   console.log(user.username);
   * }
   */
  paginate<K extends ListOperationId>(
    operationId: K,
    input: PaginateInput<K>,
  ): AsyncIterable<ItemOf<K>>;
}

/**
 * Refuses a call of `who` before anything is sent, with one violation (`path`, `rule`,
 * `problem`) and a message in the form the input checks give theirs.
 */
function refuse(who: string, path: string, rule: ViolationRule, problem: string): never {
  const violations: Violation[] = [];
  report(violations, path, rule, problem);
  throw new AtlasValidationError(
    `atlas-invites: invalid input for ${who}, nothing was sent: ${violations[0]!.message}`,
    violations,
  );
}

/** Refuses an argument that is not an object, naming the parameters it should hold. */
function refuseArgument(who: string, op: Operation, input: unknown): never {
  const wanted = `the parameters of ${op.operationId} (${op.pathParams.join(", ")})`;
  refuse(who, "", "type", `expected an object with ${wanted}, got ${kind(input)}`);
}

export function createMethods(client: Client<paths>, baseUrl: string, scrub: Scrub): Methods {
  function failure(
    op: Operation,
    response: Response,
    body: unknown,
    problem?: string,
    status = response.status,
  ) {
    // A success status the client refuses belongs to an error: its body is handed out scrubbed.
    refuseAnswer(response);
    return new AtlasApiError({
      status,
      method: op.method,
      path: op.path,
      url: redactUrl(response.url || `${baseUrl}${op.path}`),
      response,
      body,
      scrub,
      ...(problem !== undefined && { problem }),
    });
  }

  /**
   * A method's call. For paginate, `paged` holds the id of the previous page's first item: the
   * answer must have `results`, and must not begin with that item again (a server that ignored
   * `pageNum` and sent no `totalCount` would otherwise be read forever).
   */
  function method(op: Operation) {
    const send = client[op.method as "GET"] as unknown as Send;
    return async (input: unknown, paged?: { first?: unknown }): Promise<unknown> => {
      if (typeof input !== "object" || input === null) refuseArgument(op.operationId, op, input);
      const args = input as Record<string, unknown>;
      const path: Record<string, unknown> = {};
      const query: Record<string, unknown> = {};
      const init: Record<string, unknown> = { params: { path, query }, parseAs: "text" };
      // Names that are neither path parameters nor call options go to the query, where
      // validation refuses the ones the operation does not declare.
      for (const key in args) {
        if (!Object.hasOwn(args, key)) continue;
        if (key === "body" || key === "signal" || key === "timeout") init[key] = args[key];
        else if (key === "__proto__") {
          // An own "__proto__" key (JSON.parse makes them) stays a key, which validation refuses;
          // assigned, it would set the prototype and smuggle its keys into the URL.
          Object.defineProperty(query, key, { value: args[key], enumerable: true, writable: true });
        } else ((op.pathParams as readonly string[]).includes(key) ? path : query)[key] = args[key];
      }
      const { data, error, response } = await send(op.path, init);
      if (!response.ok) throw failure(op, response, error);
      if (typeof data !== "string" || data === "") {
        throw failure(op, response, undefined, "empty response body");
      }
      let body: unknown;
      try {
        body = JSON.parse(data) as unknown;
      } catch {
        throw failure(op, response, data, "the response body is not valid JSON");
      }
      // An envelope carries the status in the body, for clients that cannot read HTTP's. Whether
      // Atlas also keeps an error's HTTP status then is not public: an envelope that says error is
      // one, whatever the HTTP status.
      const said = (body as { status?: unknown } | null)?.status;
      if (query.envelope === true && typeof said === "number" && said >= 400) {
        throw failure(op, response, body, undefined, said);
      }
      // The spec requires a page's `results` array; without it paginate would end early or yield
      // the characters of a string.
      if (paged) {
        const results = (body as { results?: unknown } | null)?.results;
        if (!Array.isArray(results))
          throw failure(op, response, body, "the page has no results list");
        const first = (results[0] as { id?: unknown } | null | undefined)?.id;
        if (first !== undefined && first === paged.first) {
          const problem =
            "the page begins with the previous page's first item (was pageNum ignored?)";
          throw failure(op, response, body, problem);
        }
        paged.first = first;
      }
      return body;
    };
  }

  const calls = {} as Record<
    OperationId,
    (input: unknown, paged?: { first?: unknown }) => Promise<unknown>
  >;
  const methods = {} as Record<OperationId, (input: unknown) => Promise<unknown>>;
  for (const op of Object.values(operations) as Operation[]) {
    const call = (calls[op.operationId] = method(op));
    // One argument only: `array.map(atlas.listOrgUsers)` must not pass its index as `paged`.
    methods[op.operationId] = (input) => call(input);
  }

  function paginate(operationId: OperationId, input: unknown): AsyncIterable<unknown> {
    // Own keys only: "toString" must not find Object.prototype's.
    const op = Object.hasOwn(operations, operationId) ? operations[operationId] : undefined;
    if (!op || op.pageSize === null) {
      const lists = (Object.values(operations) as Operation[])
        .filter((o) => o.pageSize !== null)
        .map((o) => o.operationId)
        .join(", ");
      refuse("paginate", "operationId", "enum", `${show(operationId)} is not one of ${lists}`);
    }
    if (typeof input !== "object" || input === null) {
      refuseArgument("paginate", op, input);
    }
    const { pageNum = 1, ...rest } = input as Record<string, unknown>;
    if (rest.envelope !== undefined) {
      const problem = "is not a parameter of paginate, which reads each page's results itself";
      refuse("paginate", "envelope", "unknownParameter", problem);
    }
    const perPage = typeof rest.itemsPerPage === "number" ? rest.itemsPerPage : op.pageSize;
    const call = calls[op.operationId];
    // Checked by the first call: an AbortSignal, or null or undefined.
    const signal = rest.signal as AbortSignal | null | undefined;
    return (async function* pages() {
      const paged = {};
      for (let page = pageNum as number; ; page++) {
        const answer = (await call({ ...rest, pageNum: page }, paged)) as {
          results: unknown[];
          totalCount?: number;
        };
        const results = answer.results;
        for (const item of results) {
          // A page is read whole, so a caller that aborts inside its loop would otherwise still
          // get the rest of it; stop with the signal's reason, as fetch rejects with it.
          signal?.throwIfAborted();
          yield item;
        }
        if (results.length < perPage) return;
        if (typeof answer.totalCount === "number" && page * perPage >= answer.totalCount) return;
      }
    })();
  }

  return { ...methods, paginate } as unknown as Methods;
}
