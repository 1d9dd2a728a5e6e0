/**
 * The contract between the client and an authentication scheme. A strategy adds credentials to
 * each request, may ask for one more attempt after a 401, and releases what it holds on close.
 * The 401 retry belongs to authentication and does not count against the retry policy.
 */
import type { AtlasRequest } from "../request.js";

/** A fetch with the standard (input, init) signature. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface AuthContext {
  /** Atlas base URL without a trailing slash, for token endpoints. */
  baseUrl: string;
  /** Sends a request with the client's timeout and transport, but without middleware. */
  send: (url: string, init: RequestInit) => Promise<Response>;
  userAgent: string;
}

export interface AuthStrategy {
  /** Short name of the scheme, safe to print. */
  readonly type: string;
  /** A description for logs and errors that identifies the credentials without revealing them. */
  readonly label: string;
  /** Adds credentials to a request about to be sent. */
  authorize(request: AtlasRequest): void | Promise<void>;
  /**
   * Called when Atlas answered 401. Resolve true to send the request once more, after
   * `authorize` runs again; false to hand the 401 to the caller.
   */
  onUnauthorized?(request: AtlasRequest, response: Response): boolean | Promise<boolean>;
  /** Called with every response to an authorized request (Digest reads nonce updates here). */
  onResponse?(request: AtlasRequest, response: Response): void;
  /** Called when an authorized request failed without any response (network error, timeout). */
  onError?(request: AtlasRequest): void;
  /** Releases held credentials (revokes tokens); later calls fail. */
  close?(): Promise<void>;
}
