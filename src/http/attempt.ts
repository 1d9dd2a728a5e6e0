/**
 * One attempt of one request: its abort controller, its timer, its link to the caller's signal,
 * and the rules its answer's body is read by. The client's fetch hands openapi-fetch the
 * platform's own Response, with its body readers (`text`, `json`, `arrayBuffer`, `blob`, `bytes`)
 * replaced on that one object by ones that
 * - stop with an error once the body passes `maxResponseBytes`, instead of buffering it all;
 * - end the attempt when the body has been read (its timer and signal listener go then, so a
 *   server that stalls mid-body still times out);
 * - keep what they read, so a middleware that reads the body does not take it from the caller;
 * - hand out an error answer's body (status 400 and up, or an answer the client refused) with
 *   the client's secrets taken out, as its headers and status text are, so an echoed token reaches
 *   no one: not `error.response`, a path-based call's `error` or `response`, nor a middleware.
 *   Other bodies stay byte for byte as sent (the token endpoint's answer is one). `response.body`
 *   itself is not replaced: a reader locks it and reads it through, as openapi-fetch does for
 *   every error body; only a middleware that reads it or `clone()` first sees the raw bytes. An
 *   answer without a body, or with `Content-Length: 0`, keeps the platform's readers.
 * Everything an attempt holds is in private fields: a response, or an error holding one, leads
 * here, and util.inspect must show neither the request's Authorization header nor the body.
 */
import { AtlasApiError, AtlasTimeoutError, scrubHeaders } from "../errors.js";
import { redactUrl, scrubError, type Scrub } from "../text.js";
import { listen, unlisten } from "./abort.js";
import type { FetchLike } from "./fetch.js";
import type { AtlasRequest } from "./request.js";
import { bodyFailure } from "./retry.js";

/**
 * An abort controller whose attempts ended without aborting it, with the number of attempts it
 * has served; the client's fetch keeps spare ones (creating one costs 1.3 µs per call with a stub
 * fetch on Node 20). undici leaves a listener on every signal it was given until the garbage
 * collector runs; the cap of 16 attempts keeps that list short. Those listeners do nothing when a
 * later attempt aborts: their bodies were read or cancelled before the controller came back.
 */
export type Lease = [AbortController, number];

const ATTEMPT = Symbol("atlas-invites attempt");
const TAKEN =
  "a middleware read response.body before the client; response.text() and .json() keep the body for the caller";

type Bound = Response & { [ATTEMPT]: Attempt };

/** Listens to the caller's signal as a listener object, its timer gets it as an argument: no closures. */
export class Attempt {
  readonly #request: AtlasRequest;
  readonly #limitMs: number;
  readonly #maxBytes: number;
  readonly #spare: Lease[];
  readonly #scrub: Scrub;
  readonly #lease: Lease;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** For a request of the session's own: the latest deadline of the calls waiting for it. */
  #until: (() => number) | undefined = undefined;
  /** How much longer than its timeout the attempt ran because calls still waited for it. */
  #extraMs = 0;
  #response: Response | undefined = undefined;
  #declared: string | null = null; // the answer's Content-Length
  refused = false; // see refuseAnswer
  #done = false;
  /** The whole body, once a reader asked for it. */
  #body: Promise<Uint8Array> | undefined = undefined;

  constructor(
    request: AtlasRequest,
    limitMs: number,
    maxBytes: number,
    spare: Lease[],
    scrub: Scrub,
  ) {
    this.#request = request;
    this.#limitMs = limitMs;
    this.#maxBytes = maxBytes;
    this.#spare = spare;
    this.#scrub = scrub;
    this.#lease = spare.pop() ?? [new AbortController(), 0];
    if (request.signal) listen(request.signal, this);
  }

  /**
   * Sends the request once with `fetch`, within the timeout counted from `since` (the start of
   * the call for the first attempt, of the wait for credentials for a retry, so it covers that
   * wait too) and the caller's signal. `until`, for a request of the session's own, gives the
   * latest deadline of the calls waiting for it: the attempt runs at least until then.
   * Refuses redirects; any other answer comes back with its body bound to the rules above (a
   * declared length over the limit is refused when the body is read, so that an answer that is
   * retried, and thrown away unread, is retried whatever its size).
   */
  async run(fetch: FetchLike, since: number, until?: () => number): Promise<Response> {
    const request = this.#request;
    const limit = this.#limitMs;
    if (limit > 0) {
      const remaining = limit - (Date.now() - since);
      if (remaining <= 0) {
        this.settle();
        throw this.#timedOut();
      }
      this.#until = until;
      // Held until the answer: a stub fetch that never answers still times out, not exits.
      this.#timer = setTimeout(Attempt.#expire, remaining, this);
    }
    const signal = this.#lease[0].signal;
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.bodyText,
        signal,
        redirect: "manual",
      });
    } catch (error) {
      this.settle();
      throw signal.aborted ? signal.reason : error;
    }
    this.#response = response;
    // A body nobody reads must not keep the process alive until its timer fires.
    this.#timer?.unref();
    const declared = (this.#declared = response.headers.get("Content-Length"));
    let problem: string | undefined;
    if (response.status >= 300 && response.status < 400) {
      // Named by origin only, scrubbed: a server can put an echoed token in the host name.
      const location = response.headers.get("Location");
      const target =
        location !== null && URL.canParse(location, request.url)
          ? this.#scrub(new URL(location, request.url).origin)
          : "a missing or invalid Location";
      problem = `Atlas does not redirect; this redirect to ${target} was not followed`;
    } else if (response.redirected) {
      problem = `the fetch followed a redirect to ${this.#scrub(redactUrl(response.url))}`;
    }
    if (problem !== undefined) {
      await discard(response);
      this.settle();
      throw this.fail(problem);
    }
    // An error answer's headers are scrubbed like its body, for everyone who reads them; one made
    // by hand (a stub fetch) has url "", and gets the URL it answers for its error to name.
    if (response.status >= 400) {
      scrubHeaders(response, this.#scrub);
      if (!response.url) Object.defineProperty(response, "url", { value: request.url });
    }
    if (response.body === null || declared === "0") {
      this.settle();
      return response;
    }
    (response as Bound)[ATTEMPT] = this;
    return Object.assign(response, READERS);
  }

  static #expire(attempt: Attempt): void {
    // A shared token request is not cut short while a call that allows longer still waits for
    // it; a call without a timeout is looked at again after this attempt's own.
    const more = Math.min((attempt.#until?.() ?? 0) - Date.now(), attempt.#limitMs);
    if (more > 0) {
      attempt.#extraMs += more;
      attempt.#timer = setTimeout(Attempt.#expire, more, attempt);
      if (attempt.#response) attempt.#timer.unref();
      return;
    }
    attempt.#lease[0].abort(attempt.#timedOut());
    attempt.settle();
  }

  /** The caller aborted: the attempt ends with the caller's reason, as fetch does. */
  handleEvent(): void {
    this.#lease[0].abort(this.#request.signal!.reason);
  }

  #timedOut(): AtlasTimeoutError {
    const { method, url } = this.#request;
    return new AtlasTimeoutError(method, redactUrl(url), this.#limitMs + this.#extraMs);
  }

  #tooLarge(size: string): string {
    return `the response body is ${size}, more than maxResponseBytes allows (${this.#maxBytes} bytes)`;
  }

  /** Ends the attempt: clears its timer and listener. Safe to call more than once. */
  settle(): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    if (this.#request.signal) unlisten(this.#request.signal, this);
    const lease = this.#lease;
    if (!lease[0].signal.aborted && ++lease[1] < 16) this.#spare.push(lease);
  }

  /** The error for an answer that cannot be used. */
  fail(problem: string, cause?: unknown): AtlasApiError {
    const request = this.#request;
    const response = this.#response!;
    const error = new AtlasApiError({
      status: response.status,
      method: request.method,
      path: request.operation?.path ?? new URL(request.url).pathname,
      url: redactUrl(request.url),
      response,
      body: undefined,
      problem,
      scrub: this.#scrub,
    });
    if (cause !== undefined) {
      const value = scrubError(cause, this.#scrub);
      Object.defineProperty(error, "cause", { value, configurable: true, writable: true });
    }
    return error;
  }

  /**
   * The whole body, read once; the attempt ends when the read does, whichever way. An error
   * status's body, or one the client refused (`refuseAnswer`), comes without the client's secrets.
   */
  read(response: Response): Promise<Uint8Array> {
    const bytes = (this.#body ??= this.#readAll(response).then(
      (all) => (this.settle(), all),
      (error: unknown) => {
        this.settle();
        // The abort reason (a timeout, the caller's), the size limit's error, or a body cut off or
        // not in its Content-Encoding.
        const signal = this.#lease[0].signal;
        if (signal.aborted) throw signal.reason;
        if (error instanceof AtlasApiError) throw error;
        throw this.fail(bodyFailure(error), error);
      },
    ));
    if (response.status < 400 && !this.refused) return bytes;
    return bytes.then((all) => {
      // Re-encoded only when a secret was found, so a body without one stays exact.
      const text = decoder.decode(all);
      const clean = this.#scrub(text);
      return clean === text ? all : new TextEncoder().encode(clean);
    });
  }

  /** Refuses a declared length over the limit, then counts what streams in up to the limit. */
  async #readAll(response: Response): Promise<Uint8Array> {
    const body = response.body as ReadableStream<Uint8Array>;
    const declared = this.#declared;
    if (Number(declared) > this.#maxBytes) {
      await body.cancel().catch(() => undefined);
      throw this.fail(this.#tooLarge(`${declared} bytes`));
    }
    let reader: ReadableStreamDefaultReader<Uint8Array>;
    try {
      reader = body.getReader();
    } catch {
      // Locked: a middleware took the stream (a reader, a Response made of it); not a closed link.
      throw this.fail(TAKEN);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > this.#maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw this.fail(this.#tooLarge(`over ${this.#maxBytes} bytes`));
      }
      chunks.push(value);
    }
    // Nothing where a length was declared: a middleware read the stream through (a cut fails).
    if (size === 0 && Number(declared) > 0) throw this.fail(TAKEN);
    // One chunk, the common case for Atlas's small answers, needs no copy: readers copy anyway.
    if (chunks.length === 1) return chunks[0]!;
    const all = new Uint8Array(size);
    size = 0;
    for (const chunk of chunks) {
      all.set(chunk, size);
      size += chunk.byteLength;
    }
    return all;
  }
}

/** Marks a success-status answer the client refused (not JSON, no results): scrub its body too. */
export function refuseAnswer(response: Response): void {
  const attempt = (response as Partial<Bound>)[ATTEMPT];
  if (attempt) attempt.refused = true;
}

/** Throws an answer away unread: cancels its body, then ends its attempt. */
export async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
  (response as Partial<Bound>)[ATTEMPT]?.settle();
}

const decoder = new TextDecoder();
/** A body reader: a method, like the platform's, finding its attempt through `this`; a fresh copy. */
const reader = <T>(convert: (bytes: Uint8Array) => T) =>
  function (this: Bound): Promise<T> {
    return this[ATTEMPT].read(this).then(convert);
  };

const READERS = {
  text: reader((bytes) => decoder.decode(bytes)),
  json: reader((bytes) => JSON.parse(decoder.decode(bytes)) as unknown),
  arrayBuffer: reader((bytes) => bytes.slice().buffer),
  blob: reader((bytes) => new Blob([bytes])),
  bytes: reader((bytes) => bytes.slice()),
};
