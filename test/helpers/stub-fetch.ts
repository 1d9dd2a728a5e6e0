/**
 * A fetch that never touches the network: it records what the client hands it and answers with
 * whatever the test scripts. For behaviour that needs no server, or answers no fake would give.
 */
import type { FetchLike } from "../../src/index.js";

/** One request as the client handed it to its fetch. */
export interface StubCall {
  url: URL;
  method: string;
  headers: Headers;
  /** The request body as sent, or null for none. */
  body: string | null;
  init: RequestInit;
}

export type StubFetch = FetchLike & { readonly calls: StubCall[] };

/** A fetch that records each call and answers it with `answer(call, index)`. */
export function stubFetch(
  answer: (call: StubCall, index: number) => Response | Promise<Response>,
): StubFetch {
  const calls: StubCall[] = [];
  const fetch = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(
      typeof input === "string" ? input : input instanceof URL ? input : input.url,
    );
    const body = init.body;
    const call: StubCall = {
      url,
      method: init.method ?? "GET",
      headers: new Headers(init.headers),
      body: body === undefined || body === null ? null : String(body as string),
      init,
    };
    calls.push(call);
    return answer(call, calls.length - 1);
  }) as StubFetch;
  Object.defineProperty(fetch, "calls", { value: calls });
  return fetch;
}

/** A JSON answer with the given status, body and headers. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

/**
 * The answer Atlas gives to wrong or missing credentials: no errorCode. Observed in the HTTP dump
 * of github.com/mongodb/terraform-provider-mongodbatlas/issues/1327.
 */
export const OBSERVED_401_BODY = {
  error: 401,
  reason: "Unauthorized",
  detail: "You are not authorized for this resource.",
} as const;

/**
 * The answer Atlas gives to valid credentials that lack the role: 401 with USER_UNAUTHORIZED
 * (github.com/mongodb/terraform-provider-mongodbatlas/pull/664 checks for this code).
 */
export const OBSERVED_USER_UNAUTHORIZED_BODY = {
  error: 401,
  errorCode: "USER_UNAUTHORIZED",
  reason: "Unauthorized",
  detail: "Current user is not authorized to perform this action.",
} as const;
