/**
 * Plain `fetch` requests to the fake Atlas, for tests of the fake itself: they go around the
 * client, so the fake sees exactly what the test sends, bad bodies and wrong headers included.
 */
import type { FakeAtlas } from "../../src/testing/index.js";

/** The media type of the Cloud Users API operations. */
export const CLOUD_USERS_MEDIA = "application/vnd.atlas.2025-02-19+json";

export interface FakeRequestInit {
  /** Sent as JSON. */
  body?: unknown;
  /** Raw text to send as the body instead of JSON. */
  text?: string;
  /** Default: the Cloud Users media type; null sends none. */
  accept?: string | null;
  /** Sent with a body. Default: the Cloud Users media type; null sends none. */
  contentType?: string | null;
  /** Default: the fake's access token as a bearer token; null sends none. */
  authorization?: string | null;
}

/** One request to the fake, authenticated with its access token unless told otherwise. */
export function fakeRequest(
  fake: FakeAtlas,
  method: string,
  target: string,
  init: FakeRequestInit = {},
): Promise<Response> {
  const headers: Record<string, string> = {};
  const authorization =
    init.authorization === undefined
      ? `Bearer ${fake.credentials.accessToken}`
      : init.authorization;
  if (authorization !== null) headers.Authorization = authorization;
  const accept = init.accept === undefined ? CLOUD_USERS_MEDIA : init.accept;
  if (accept !== null) headers.Accept = accept;
  const text = init.text ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  const contentType = init.contentType === undefined ? CLOUD_USERS_MEDIA : init.contentType;
  if (text !== undefined && contentType !== null) headers["Content-Type"] = contentType;
  return fetch(`${fake.url}${target}`, {
    method,
    headers,
    ...(text !== undefined && { body: text }),
  });
}
