/**
 * The contract between the client and a way of authenticating. A strategy is a value the caller
 * creates (`serviceAccount({...})`, `apiKey({...})`, `accessToken({...})`, `fromEnv()`, or one of
 * their own) and passes as `auth`; each client starts its own session from it.
 */
import type { SentReply } from "../http/fetch.js";

/** What a session may read and change of a request about to be sent. */
export interface SignableRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
}

/** What a strategy's `start()` receives from the client it authenticates for. */
export interface AuthContext {
  /** The client's base URL, without a trailing slash. */
  readonly baseUrl: string;
  /** The User-Agent the client sends. */
  readonly userAgent: string;
  /**
   * Sends one request of the session's own (to a token endpoint under the base URL) by the
   * client's rules: same origin only, no redirects, the client's timeout, retries and response
   * size limit; the body comes back as text. `closing` is for the revocation in `close()`. With
   * the client's `timeout: 0`, a request still unanswered once close() has waited for the calls in
   * progress is aborted (it rejects as closed), since nothing else would end it.
   */
  send(path: string, init: RequestInit, closing?: boolean): Promise<SentReply>;
}

/**
 * One client's use of a strategy. Only `authorize` is required; every other member may be left
 * out or undefined (as when a strategy wraps another's session and passes its members on).
 */
export interface AuthSession {
  /** Adds credentials to a request; may wait for them (the call's signal and timeout bound the wait). */
  authorize(request: SignableRequest): void | Promise<void>;
  /**
   * Called when Atlas answered 401 because the credentials failed: without an errorCode (not for
   * `USER_UNAUTHORIZED` or any other code, which leave the credentials valid). Resolve true when
   * the credentials were renewed and the request should be sent once more; it then goes through
   * `authorize` again. Like `authorize`, it may wait: the call's signal and timeout bound the wait.
   */
  onUnauthorized?:
    ((request: SignableRequest, response: Response) => boolean | Promise<boolean>) | undefined;
  /**
   * Called with every answer to an authorized request (Digest reads new challenges here). It is
   * not waited for: a promise it returns is neither awaited nor its rejection caught, so catch
   * inside an async one. An exception it throws fails the call with that exception.
   */
  onResponse?: ((request: SignableRequest, response: Response) => void) | undefined;
  /**
   * Called when an authorized request failed without an answer. Not waited for, as `onResponse`;
   * an exception it throws fails the call in place of the failure.
   */
  onError?: ((request: SignableRequest) => void) | undefined;
  /**
   * The secrets the session holds (client secret, tokens, private key), so that the client can
   * take them out of any text a server sends back. Without it, the client scrubs the bearer
   * tokens it saw the session send.
   */
  secrets?: (() => Iterable<string>) | undefined;
  /** Releases what the session holds (revokes tokens). */
  close?: (() => Promise<void>) | undefined;
}

/**
 * The `auth` option: a value made by `serviceAccount()`, `apiKey()`, `accessToken()` or
 * `fromEnv()`, or one of your own. Each client starts its own session from it.
 */
export interface AuthStrategy {
  /** Names the credentials for messages and `util.inspect`, never revealing a secret. */
  readonly label: string;
  /** Starts this client's session. */
  start(context: AuthContext): AuthSession;
}
