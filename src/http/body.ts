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
 */

export interface BodyRules {
  maxBytes: number;
  /** The attempt's signal: aborted by its timeout or by the caller. */
  signal: AbortSignal;
  /** Ends the attempt: clears its timer and listeners. Safe to call more than once. */
  settle: () => void;
  /** The error for an answer whose body cannot be used. */
  fail: (problem: string, cause?: unknown) => Error;
}

/** Where a bound response keeps the way to end its attempt, for `discard`. */
const SETTLE = Symbol("settle");

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

/** A response whose readers may be replaced on the object itself. */
type Readers = {
  -readonly [K in "text" | "json" | "arrayBuffer" | "blob"]: Response[K];
} & { bytes?: () => Promise<Uint8Array>; [SETTLE]?: () => void };

/** Installs the readers described above on `response` and returns it. */
export function bindBody(response: Response, rules: BodyRules): Response {
  // Without a declared length the body is counted while it streams in; with one (checked by the
  // caller against the limit), the platform's own readers are the fastest way to it.
  const counted = response.headers.get("Content-Length") === null;
  let text: Promise<string> | undefined;
  let bytes: Promise<Uint8Array> | undefined;

  const explain = (error: unknown): never => {
    if (rules.signal.aborted) throw rules.signal.reason;
    if (error instanceof Error && error.name === "AtlasApiError") throw error;
    throw rules.fail("the connection closed before the whole response body arrived", error);
  };
  const readBytes = (): Promise<Uint8Array> => {
    if (bytes) return bytes;
    if (text) return (bytes = text.then((t) => encoder.encode(t)));
    const reading = counted
      ? readStream(response, rules)
      : native.arrayBuffer.call(response).then((buffer) => new Uint8Array(buffer));
    return (bytes = reading.catch(explain).finally(rules.settle));
  };
  const readText = (): Promise<string> => {
    if (text) return text;
    if (bytes || counted) return (text = readBytes().then((b) => decoder.decode(b)));
    return (text = native.text.call(response).catch(explain).finally(rules.settle));
  };

  const readers = response as unknown as Readers;
  readers[SETTLE] = rules.settle;
  readers.text = readText;
  readers.json = () => readText().then((t) => JSON.parse(t) as unknown);
  readers.arrayBuffer = () =>
    readBytes().then(
      (b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer,
    );
  readers.blob = () => readBytes().then((b) => new Blob([b]));
  if ("bytes" in native) readers.bytes = () => readBytes().then((b) => b.slice());
  return response;
}

/** Throws an answer away unread: cancels its body and ends its attempt. */
export async function discard(response: Response): Promise<void> {
  (response as unknown as Readers)[SETTLE]?.();
  await response.body?.cancel().catch(() => undefined);
}
