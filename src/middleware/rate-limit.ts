/** Keeps the rate-limit budget Atlas reported on the most recent response that carried one. */
import type { Middleware } from "openapi-fetch";

export interface RateLimit {
  /** Requests allowed in the current window (RateLimit-Limit). */
  limit: number;
  /** Requests left in the current window (RateLimit-Remaining). */
  remaining: number;
}

export function rateLimitMiddleware(onUpdate: (value: RateLimit) => void): Middleware {
  return {
    onResponse({ response }) {
      const limit = response.headers.get("RateLimit-Limit");
      const remaining = response.headers.get("RateLimit-Remaining");
      if (limit === null || remaining === null) return undefined;
      const parsed = { limit: Number(limit), remaining: Number(remaining) };
      if (Number.isInteger(parsed.limit) && Number.isInteger(parsed.remaining)) onUpdate(parsed);
      return undefined;
    },
  };
}
