/**
 * Auth strategies written the way a user of the package would write one, against the public
 * `AuthStrategy` interface only, and a context for starting a strategy's session outside a client.
 */
import type { AuthContext, AuthStrategy } from "../../src/index.js";

/** A context for a session started by hand; it refuses to send anything. */
export const OFFLINE_CONTEXT: AuthContext = {
  baseUrl: "https://cloud.mongodb.com",
  userAgent: "test",
  send: () => Promise.reject(new Error("this test sends nothing")),
};

/** What a secrets-manager strategy has done so far. */
export interface SecretsManagerStats {
  /** Reads of the secret (the first use, and one per refused token). */
  reads: number;
  /** 401 answers the session was told about. */
  refused: number;
}

/**
 * A bearer token read from an asynchronous store (a stand-in for a cloud secrets manager). The
 * token is read on first use and kept; when Atlas refuses it, the session reads the store again
 * and asks for the call to be sent once more, but only when the store holds a different token.
 * It does not name its secrets, so the client has to scrub the tokens it saw it send.
 */
export function secretsManager(
  read: () => Promise<string>,
): AuthStrategy & { readonly stats: SecretsManagerStats } {
  const stats: SecretsManagerStats = { reads: 0, refused: 0 };
  return {
    label: "secrets manager",
    stats,
    start() {
      let current: Promise<string> | undefined;
      const load = () => {
        stats.reads++;
        return read();
      };
      return {
        async authorize(request) {
          current ??= load();
          request.headers.set("Authorization", `Bearer ${await current}`);
        },
        async onUnauthorized(request) {
          stats.refused++;
          const sent = request.headers.get("Authorization");
          current = load();
          return `Bearer ${await current}` !== sent;
        },
      };
    },
  };
}
