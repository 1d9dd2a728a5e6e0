/** Identifies the package (and the caller's application, when it names itself) to Atlas. */
import type { Middleware } from "openapi-fetch";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../generated/package-info.js";

export function defaultUserAgent(): string {
  return `${PACKAGE_NAME}/${PACKAGE_VERSION} (node ${process.versions.node})`;
}

export function userAgentMiddleware(prefix: string | undefined): Middleware {
  const value = prefix ? `${prefix} ${defaultUserAgent()}` : defaultUserAgent();
  return {
    onRequest({ request }) {
      request.headers.set("User-Agent", value);
      return undefined;
    },
  };
}
