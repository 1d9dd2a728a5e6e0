/**
 * How the fake Atlas checks credentials. Each scheme is a small object; the server asks each in
 * turn and answers 401 (with every scheme's challenge) when none accepts the request.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export interface AuthCheck {
  /** "accepted", "rejected" (the scheme recognised the header and refused it) or "absent". */
  verdict: "accepted" | "rejected" | "absent";
}

export interface FakeAuthScheme {
  /** Checks the Authorization header of an API request. */
  check(req: IncomingMessage, method: string, uri: string): AuthCheck;
  /** WWW-Authenticate value to send with a 401, if the scheme challenges. */
  challenge?(stale: boolean): string | undefined;
  /** Handles non-API routes the scheme owns (token endpoints); true when it answered. */
  route?(req: IncomingMessage, res: ServerResponse, body: string): boolean;
}

/** Accepts `Authorization: Bearer <token>` for the tokens in the set. */
export function bearerScheme(isValid: (token: string) => boolean): FakeAuthScheme {
  return {
    check(req) {
      const header = req.headers.authorization;
      if (!header?.startsWith("Bearer ")) return { verdict: "absent" };
      return { verdict: isValid(header.slice(7)) ? "accepted" : "rejected" };
    },
  };
}
