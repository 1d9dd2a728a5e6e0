/**
 * The body serialiser (src/http/serialize.ts): the text it writes is the text JSON.stringify writes
 * for the same body, and the value it hands validation is one whose JSON is that very text.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { UnserializableBody } from "../src/http/request.js";
import { sentValue, serializeBody } from "../src/http/serialize.js";

/** Serialises `body` and takes the value validation would check. */
function serialise(body: unknown): { text: string; value: unknown } {
  const text = serializeBody(body);
  if (typeof text !== "string") throw new Error(`unexpectedly unserialisable: ${text.problem}`);
  return { text, value: sentValue(text) };
}

describe("serializeBody", () => {
  test("writes what JSON.stringify writes, and hands validation a value with that JSON", () => {
    const anything = fc.anything({
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
      withUnicodeString: true,
    });
    fc.assert(
      fc.property(anything, (body) => {
        const expected = JSON.stringify(body) as string | undefined;
        if (expected === undefined) {
          expect(serializeBody(body)).toBeInstanceOf(UnserializableBody);
          return;
        }
        const { text, value } = serialise(body);
        expect(text).toBe(expected);
        expect(JSON.stringify(value)).toBe(text);
        expect(value).toEqual(JSON.parse(text));
      }),
      { numRuns: 2000 },
    );
  });

  test("toJSON gets its key, class instances and Dates go through JSON, an own __proto__ stays a field", () => {
    const keys: string[] = [];
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
      get sum(): number {
        return this.x + this.y;
      }
    }
    const body = JSON.parse('{"__proto__": {"a": 1}}') as Record<string, unknown>;
    Object.assign(body, {
      when: new Date(Date.UTC(2026, 0, 2)),
      at: new Point(1, 2),
      list: [
        {
          toJSON(key: string) {
            keys.push(key);
            return "first";
          },
        },
        new Number(3),
        NaN,
        undefined,
        () => 1,
      ],
      nested: {
        toJSON(key: string) {
          keys.push(key);
          return { deep: true };
        },
      },
    });
    const expected = JSON.stringify(body);
    keys.length = 0;
    const { text, value } = serialise(body);
    expect(text).toBe(expected);
    expect(keys).toEqual(["0", "nested"]);
    expect(Object.hasOwn(value as object, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(value).toEqual(JSON.parse(text));
  });

  test("every field is read once, and the value handed out is what the text says", () => {
    let reads = 0;
    const body = {
      get roles() {
        reads++;
        return reads === 1 ? ["ORG_MEMBER"] : ["NOT_A_ROLE"];
      },
    };
    const { text, value } = serialise(body);
    expect(reads).toBe(1);
    expect(text).toBe('{"roles":["ORG_MEMBER"]}');
    expect(value).toEqual({ roles: ["ORG_MEMBER"] });
  });

  test("a cycle, a BigInt and a throwing getter are unserialisable, as with JSON.stringify", () => {
    const cycle: Record<string, unknown> = { a: [] };
    (cycle.a as unknown[]).push(cycle);
    const throwing = Object.defineProperty({}, "x", {
      enumerable: true,
      get() {
        throw new Error("no");
      },
    });
    for (const body of [cycle, { n: 1n }, throwing]) {
      const result = serializeBody(body);
      expect(result).toBeInstanceOf(UnserializableBody);
      expect((result as UnserializableBody).problem).toMatch(/^cannot be serialised as JSON \(/);
    }
  });

  test("-0 is written and handed out as 0", () => {
    expect(serialise({ n: -0, list: [-0] })).toEqual({
      text: '{"n":0,"list":[0]}',
      value: { n: 0, list: [0] },
    });
  });

  test("a text serialised earlier, or by someone else, is parsed back", () => {
    const first = serialise({ roles: ["A"] }).text;
    serializeBody({ roles: ["B"] });
    expect(sentValue(first)).toEqual({ roles: ["A"] });
    // The copy is handed out once; asking again parses the text.
    const { text, value } = serialise({ roles: ["C"] });
    const again = sentValue(text);
    expect(again).toEqual(value);
    expect(again).not.toBe(value);
  });
});
