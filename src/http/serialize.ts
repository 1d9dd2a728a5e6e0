/**
 * How the client turns a call's parameters and body into a URL and request text (openapi-fetch's
 * `pathSerializer`, `querySerializer` and `bodySerializer` options). Unlike openapi-fetch's
 * defaults, none of them throws on input that validation is about to refuse (an object where a
 * string belongs, a lone surrogate), so every mistake reaches validation and gets its message.
 */
import { UnserializableBody } from "./request.js";

/** A body that is already the exact text to send (the second try after a 401). */
export class SerializedText {
  constructor(readonly text: string) {}
}

/** A surrogate half without its partner, which encodeURIComponent refuses. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function text(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(LONE_SURROGATE, "\uFFFD"));
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
    const value = params?.[url.slice(open + 1, close)];
    out += url.slice(from, open);
    out += value === undefined || value === null ? url.slice(open, close + 1) : encode(value);
    from = close + 1;
  }
  return from === 0 ? url : out + url.slice(from);
}

/** `name=value` pairs; an array is sent as one pair per item (form style, exploded). */
export function serializeQuery(query: Record<string, unknown> | undefined): string {
  let out = "";
  for (const name in query) {
    const value = query[name];
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      out += `${out === "" ? "" : "&"}${text(name)}=${encode(item)}`;
    }
  }
  return out;
}

/**
 * `value`, found under `key`, as the plain data (objects, arrays, strings, finite numbers, booleans,
 * null) that JSON.parse would make of the text JSON.stringify writes for it, each field read once. Plain
 * objects and arrays are copied field by field, which is several times faster than writing JSON
 * and parsing it back; anything else (a `toJSON`, a Date, a class instance, a boxed primitive, a
 * number JSON writes as null, a function) is left to JSON itself.
 */
function plain(value: unknown, key: string, ancestors: object[]): unknown {
  if (value === undefined || typeof value === "string" || typeof value === "boolean") return value;
  if (value === null) return value;
  // JSON writes -0 as 0, and the copy says what the text says.
  if (Number.isFinite(value)) return (value as number) + 0;
  if (typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON !== "function") {
    const proto: unknown = Object.getPrototypeOf(value);
    if (Array.isArray(value) || proto === Object.prototype || proto === null) {
      // JSON.stringify's own refusal of a cycle, which would otherwise never end here.
      if (ancestors.includes(value)) throw new TypeError("Converting circular structure to JSON");
      ancestors.push(value);
      let copy: unknown[] | Record<string, unknown>;
      if (Array.isArray(value)) {
        copy = [];
        for (let i = 0; i < value.length; i++)
          copy.push(plain(value[i], String(i), ancestors) ?? null);
      } else {
        copy = {};
        for (const k of Object.keys(value)) {
          const field = plain((value as Record<string, unknown>)[k], k, ancestors);
          if (field === undefined) continue;
          // An own "__proto__" key stays a field, as JSON.parse would make it.
          if (k === "__proto__") Object.defineProperty(copy, k, { value: field, enumerable: true });
          else copy[k] = field;
        }
      }
      ancestors.pop();
      return copy;
    }
  }
  const text = JSON.stringify({ [key]: value });
  return text === "{}" ? undefined : (JSON.parse(text) as Record<string, unknown>)[key];
}

/** The last body serialised, and the plain value its text was written from (see `sentValue`). */
let lastText: string | undefined;
let lastValue: unknown;

/**
 * JSON text, once; what is sent. The text is written from a plain copy of the body, which
 * validation then checks in place of parsing the text back: either way, what is checked is what
 * the text says, whatever a `toJSON`, a getter or a proxy in the body does.
 */
export function serializeBody(body: unknown): string | UnserializableBody {
  if (body instanceof SerializedText) return body.text;
  try {
    const value = plain(body, "", []);
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) {
      return new UnserializableBody("cannot be sent: JSON.stringify turns it into nothing");
    }
    lastText = text;
    lastValue = value;
    return text;
  } catch (error) {
    const name = error instanceof Error ? error.name : "an exception";
    return new UnserializableBody(`cannot be serialised as JSON (${name} while serialising)`);
  }
}

/**
 * The value whose JSON is `text`, for validation: the copy it was written from when it is the
 * body serialised last (openapi-fetch runs the middleware right after serialising), else `text`
 * parsed. The copy is handed out once and not kept.
 */
export function sentValue(text: string): unknown {
  if (text !== lastText) return JSON.parse(text);
  const value = lastValue;
  lastText = lastValue = undefined;
  return value;
}
