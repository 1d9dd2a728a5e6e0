/** Identifies the package (and the caller's application, when it names itself) to Atlas. */
import type { Middleware } from "openapi-fetch";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../../generated/package-info.js";

/** `<prefix> atlas-invites/<version> (node <version>)`, the prefix being the caller's own name. */
export function buildUserAgent(prefix: string | undefined): string {
  const own = `${PACKAGE_NAME}/${PACKAGE_VERSION} (node ${process.versions.node})`;
  return prefix ? `${prefix} ${own}` : own;
}

export function userAgentMiddleware(userAgent: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set("User-Agent", userAgent);
      return undefined;
    },
  };
}
