/**
 * How the fake Atlas checks credentials. Each scheme is a small object; the server asks each in
 * turn and answers 401 (with every scheme's challenge) when none accepts the request.
 *
 * Three schemes ship: bearer tokens and service accounts (bearer-auth.ts: a token endpoint with
 * lifetimes, revocation and scripted failures) and API keys (digest-auth.ts: HTTP Digest with
 * nonce lifetimes, stale=true, MD5/SHA-256 and a nonce-count replay check). This file holds what
 * they share: the contract a scheme meets, the counters they keep and the comparison of secrets.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** What one auth scheme makes of a request's credentials; an optional field may be undefined. */
export interface AuthCheck {
  /** "accepted", "rejected" (the scheme recognised the header and refused it) or "absent". */
  verdict: "accepted" | "rejected" | "absent";
  /** Digest: the answer was right but its nonce expired, so the challenge says stale=true. */
  stale?: boolean | undefined;
  /**
   * With "accepted": a name for the credential, which `lacksRole` rules can refer to. The
   * built-in schemes report the client id, the public key or the access token.
   */
  credential?: string | undefined;
}

/**
 * An extra way for the fake to accept (or challenge) requests, for `authSchemes`. The fake asks
 * every scheme about every API request; when none accepts it, it answers 401 with each scheme's
 * challenge. `challenge` and `route` may be left out or undefined.
 */
export interface FakeAuthScheme {
  /** Checks the Authorization header of an API request. */
  check(req: IncomingMessage, method: string, uri: string): AuthCheck;
  /** WWW-Authenticate value to send with a 401, if the scheme challenges. */
  challenge?: ((stale: boolean) => string | undefined) | undefined;
  /** Handles non-API routes the scheme owns (token endpoints); true when it answered. */
  route?: ((req: IncomingMessage, res: ServerResponse, body: string) => boolean) | undefined;
}

/** Counters tests and benchmarks read; plain numbers, so a test may reset them. */
export interface FakeAuthStats {
  /** API requests received (every one counts, whatever the answer). */
  exchanges: number;
  /** Requests to POST /api/oauth/token. */
  tokenRequests: number;
  /** Requests to POST /api/oauth/revoke. */
  revocations: number;
  /** 401 answers that carried a Digest challenge. */
  challenges: number;
  /** Digest answers refused because their nonce count was already used with that nonce. */
  ncReplays: number;
}

/** Counters at zero, for a fake that is starting. */
export function newAuthStats(): FakeAuthStats {
  return { exchanges: 0, tokenRequests: 0, revocations: 0, challenges: 0, ncReplays: 0 };
}

/**
 * Compares a secret the request sent with the one the fake holds. Lengths that differ fail at
 * once; equal lengths go through timingSafeEqual, so the time taken does not tell how much of the
 * secret was right.
 */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
