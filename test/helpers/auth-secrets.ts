// Looks for secrets in everything a user could print: an error's message, stack, own fields and
// cause chain, util.inspect (with hidden fields) and JSON.stringify of any value.
import { inspect } from "node:util";

/** Every printable rendering of `value`, following `cause` links. */
export function renderings(value: unknown): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = value;
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    out.push(inspect(current, { depth: 8, showHidden: true, getters: true }));
    try {
      out.push(JSON.stringify(current) ?? "");
    } catch {
      // Circular values cannot be stringified; inspect above still covers them.
    }
    if (current instanceof Error) {
      out.push(current.toString(), current.message, current.stack ?? "");
      current = current.cause;
    } else {
      current = undefined;
    }
  }
  return out;
}

/** The secrets found in any rendering of `value`; an empty list means none leaked. */
export function leakedSecrets(value: unknown, secrets: readonly string[]): string[] {
  const text = renderings(value).join("\n");
  return secrets.filter((secret) => secret.length > 0 && text.includes(secret));
}

/** The forms a client secret can take on the wire: raw, and inside a Basic header. */
export function basicForms(id: string, secret: string): string[] {
  return [secret, Buffer.from(`${id}:${secret}`, "utf8").toString("base64")];
}
