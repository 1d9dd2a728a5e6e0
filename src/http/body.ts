/**
 * Reading an answer's body under the attempt's rules: within its timeout, up to the response size
 * limit, and once. The client's fetch hands openapi-fetch and the middleware the platform's own
 * Response, whose body readers (`text`, `json`, `arrayBuffer`, `blob`, `bytes`) are replaced on
 * that one object by ones that
 * - stop with an error once the body passes `maxResponseBytes`, instead of buffering whatever a
 *   server sends;
 * - end the attempt when the body has been read (its timer and its listener on the caller's
 *   signal go away then, not before: a server that stalls mid-body still times out);
 * - keep what they read, so a middleware that reads the body does not take it from the caller.
 * Like the platform's readers they are methods: they find their response through `this`.
 */

export interface BodyRules {
  readonly maxBytes: number;
  /** The attempt's signal: aborted by its timeout or by the caller. */
  readonly signal: AbortSignal;
  /** Ends the attempt: clears its timer and listeners. Safe to call more than once. */
  settle(): void;
  /** The error for an answer whose body cannot be used. */
  fail(problem: string, cause?: unknown): Error;
}

/**
 * What a bound response keeps: its rules and what has been read so far, in private fields, which
 * nothing inspecting the response (or an error holding it) can show: the body text may echo a
 * credential, and the rules lead to the request and its Authorization header.
 */
class BodyState {
  readonly #rules: BodyRules;
  /** No Content-Length: the body is counted while it streams in. */
  readonly #counted: boolean;
  #text: Promise<string> | undefined = undefined;
  #bytes: Promise<Uint8Array> | undefined = undefined;

  constructor(rules: BodyRules, counted: boolean) {
    this.#rules = rules;
    this.#counted = counted;
  }

  bytes(response: Response): Promise<Uint8Array> {
    if (this.#bytes) return this.#bytes;
    if (this.#text) return (this.#bytes = this.#text.then((t) => encoder.encode(t)));
    const rules = this.#rules;
    const reading = this.#counted
      ? readStream(response, rules)
      : native.arrayBuffer.call(response).then((buffer) => new Uint8Array(buffer));
    return (this.#bytes = ended(reading, rules));
  }

  text(response: Response): Promise<string> {
    if (this.#text) return this.#text;
    if (this.#bytes || this.#counted) {
      return (this.#text = this.bytes(response).then((b) => decoder.decode(b)));
    }
    return (this.#text = ended(native.text.call(response), this.#rules));
  }

  /** Ends the attempt without reading (the body is being thrown away). */
  settle(): void {
    this.#rules.settle();
  }
}

const STATE = Symbol("atlas-invites body");

type Bound = Response & { [STATE]: BodyState };

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const native = Response.prototype;

export function tooLarge(rules: BodyRules, size: string): Error {
  return rules.fail(
    `the response body is ${size}, more than maxResponseBytes allows (${rules.maxBytes} bytes)`,
  );
}

async function readStream(response: Response, rules: BodyRules): Promise<Uint8Array> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > rules.maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(rules, `over ${rules.maxBytes} bytes`);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}

/** What a failed read becomes: the abort reason, or an answer cut off mid-body. */
function explain(rules: BodyRules, error: unknown): never {
  if (rules.signal.aborted) throw rules.signal.reason;
  if (error instanceof Error && error.name === "AtlasApiError") throw error;
  throw rules.fail("the connection closed before the whole response body arrived", error);
}

/** A read that ends the attempt when it is done, whichever way it ends. */
function ended<T>(reading: Promise<T>, rules: BodyRules): Promise<T> {
  return reading.then(
    (value) => {
      rules.settle();
      return value;
    },
    (e: unknown) => {
      rules.settle();
      return explain(rules, e);
    },
  );
}

function readBytes(this: Bound): Promise<Uint8Array> {
  return this[STATE].bytes(this);
}

function readText(this: Bound): Promise<string> {
  return this[STATE].text(this);
}

function readJson(this: Bound): Promise<unknown> {
  return readText.call(this).then((t) => JSON.parse(t) as unknown);
}

function readArrayBuffer(this: Bound): Promise<ArrayBuffer> {
  return readBytes
    .call(this)
    .then((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
}

function readBlob(this: Bound): Promise<Blob> {
  return readBytes.call(this).then((b) => new Blob([b]));
}

function readCopy(this: Bound): Promise<Uint8Array> {
  return readBytes.call(this).then((b) => b.slice());
}

/** The readers, as they sit on a bound response (methods, like the platform's). */
type Readers = {
  [STATE]: BodyState;
  text: typeof readText;
  json: typeof readJson;
  arrayBuffer: typeof readArrayBuffer;
  blob: typeof readBlob;
  bytes: typeof readCopy;
};

/**
 * Installs the readers described above on `response` and returns it. `counted` is for a body
 * without a declared length; with one (checked by the caller against the limit), the platform's
 * own readers are the fastest way to the body.
 */
export function bindBody(response: Response, rules: BodyRules, counted: boolean): Response {
  const bound = response as unknown as Readers;
  bound[STATE] = new BodyState(rules, counted);
  bound.text = readText;
  bound.json = readJson;
  bound.arrayBuffer = readArrayBuffer;
  bound.blob = readBlob;
  bound.bytes = readCopy;
  return response;
}

/** Throws an answer away unread: cancels its body, then ends its attempt. */
export async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
  (response as Partial<Bound>)[STATE]?.settle();
}
