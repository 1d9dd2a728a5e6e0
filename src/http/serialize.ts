/**
 * How the client turns a call's parameters and body into a URL and request text (openapi-fetch's
 * `pathSerializer`, `querySerializer` and `bodySerializer` options). Unlike openapi-fetch's
 * defaults, none of them throws on input that validation is about to refuse (an object where a
 * string belongs, a lone surrogate), so every mistake reaches validation and gets its message.
 */
import { LONE_SURROGATE } from "../validation/rules.js";
import { UnserializableBody } from "./request.js";

/** A body that is already the exact text to send (the second try after a 401). */
export class SerializedText {
  constructor(readonly text: string) {}
}

/** Every surrogate half without its partner, which encodeURIComponent refuses. */
const LONE_SURROGATES = new RegExp(LONE_SURROGATE, "g");

function text(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(LONE_SURROGATES, "\uFFFD"));
  }
}

function encode(value: unknown): string {
  if (typeof value === "string") return text(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return "";
}

/**
 * Fills the `{name}` placeholders of a URL (openapi-fetch hands over the base URL and the spec's
 * path template joined); the rest, `:addRole` included, is kept as it is.
 */
export function serializePath(url: string, params: Record<string, unknown> | undefined): string {
  let out = "";
  let from = 0;
  for (let open = url.indexOf("{"); open !== -1; open = url.indexOf("{", from)) {
    const close = url.indexOf("}", open);
    if (close === -1) break;
    const name = url.slice(open + 1, close);
    // Own keys only, as validation reads them: a name inherited from a polluted prototype is
    // missing, not sent.
    const value = params && Object.hasOwn(params, name) ? params[name] : undefined;
    out += url.slice(from, open);
    out += value === undefined || value === null ? url.slice(open, close + 1) : encode(value);
    from = close + 1;
  }
  return from === 0 ? url : out + url.slice(from);
}

/** `name=value` pairs; an array is sent as one pair per item (form style, exploded). */
export function serializeQuery(query: Record<string, unknown> | undefined): string {
  let out = "";
  if (query === undefined) return out;
  // Own keys only, the ones validation checks; `for...in` would also send inherited ones.
  for (const name of Object.keys(query)) {
    const value = query[name];
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      out += `${out === "" ? "" : "&"}${text(name)}=${encode(item)}`;
    }
  }
  return out;
}

/** JSON text, once; what validation checks and what is sent. */
export function serializeBody(body: unknown): string | UnserializableBody {
  if (body instanceof SerializedText) return body.text;
  try {
    const text = JSON.stringify(body) as string | undefined;
    return text === undefined
      ? new UnserializableBody("cannot be sent: JSON.stringify turns it into nothing")
      : text;
  } catch (error) {
    const name = error instanceof Error ? error.name : "an exception";
    return new UnserializableBody(`cannot be serialised as JSON (${name} while serialising)`);
  }
}
