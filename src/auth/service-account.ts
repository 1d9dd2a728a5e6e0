/**
 * Service accounts: OAuth 2.0 client credentials (RFC 6749, section 4.4) against Atlas's token
 * endpoint, then `Authorization: Bearer` on API calls.
 *
 * One token serves every call until shortly before it expires. Fetching it is single-flight:
 * however many calls need a token at once, one request goes to the token endpoint and all of
 * them wait for it (or all get its error). Inside the refresh margin the still-valid token keeps
 * serving while one background request fetches the next.
 */
import { AtlasAuthError, AtlasError, AtlasValidationError } from "../errors.js";
import type { AuthContext, AuthStrategy } from "./strategy.js";

export interface ServiceAccountAuth {
  type: "serviceAccount";
  /** The service account's client id, such as mdb_sa_id_... */
  clientId: string;
  /** The service account's client secret. Sent only to the token endpoint, in Basic auth. */
  clientSecret: string;
}

interface Token {
  header: string;
  /** From here on, one background request fetches the next token. */
  refreshAt: number;
  /** From here on, calls wait for a new token. */
  expiresAt: number;
}

/** Refresh this long before expiry: 60 s, or a tenth of the lifetime for short-lived tokens. */
function refreshMargin(lifetimeMs: number): number {
  return Math.min(60_000, lifetimeMs / 10);
}

const MAX_EXCERPT = 200;

/**
 * Service-account auth for Atlas.
 *
 * @example
 * const atlas = createAtlasInvites({
 *   auth: { type: "serviceAccount", clientId: "mdb_sa_id_1234", clientSecret: process.env.SECRET ?? "" },
 * });
 */
export function serviceAccountStrategy(
  options: ServiceAccountAuth,
  context: AuthContext,
): AuthStrategy {
  const { clientId, clientSecret } = options;
  if (typeof clientId !== "string" || !/^[\x21-\x39\x3b-\x7e]+$/.test(clientId)) {
    throw new AtlasValidationError(
      "atlas-invites: auth.clientId must be a non-empty string of visible ASCII characters without ':' for serviceAccount auth",
    );
  }
  if (typeof clientSecret !== "string" || clientSecret.trim() === "") {
    throw new AtlasValidationError(
      "atlas-invites: auth.clientSecret must be a non-empty string for serviceAccount auth",
    );
  }
  if (/[\r\n]/.test(clientSecret)) {
    throw new AtlasValidationError("atlas-invites: auth.clientSecret must not contain line breaks");
  }
  // Atlas expects the raw id and secret joined by ':' (RFC 7617), not form-encoded first.
  const encoded = Buffer.from(`${clientId}:${clientSecret}`, "utf8").toString("base64");
  const basic = `Basic ${encoded}`;
  const who = `service account ${clientId}`;
  const tokenUrl = `${context.baseUrl}/api/oauth/token`;
  const revokeUrl = `${context.baseUrl}/api/oauth/revoke`;

  let token: Token | undefined;
  let inflight: Promise<Token> | undefined;
  let closed = false;

  /** Text from the server goes into messages; make sure none of our secrets rides along. */
  function scrub(text: string): string {
    let clean = text.replace(/\s+/g, " ").trim();
    for (const secret of [clientSecret, encoded]) clean = clean.split(secret).join("[redacted]");
    return clean.length > MAX_EXCERPT ? `${clean.slice(0, MAX_EXCERPT)}…` : clean;
  }

  function failure(what: string, init: ConstructorParameters<typeof AtlasAuthError>[1] = {}) {
    return new AtlasAuthError(`atlas-invites: ${who} ${what}`, init);
  }

  function describe(err: unknown): string {
    if (err instanceof AtlasError) return err.message.replace(/^atlas-invites: /, "");
    if (!(err instanceof Error)) return "unknown error";
    const code = (err.cause as { code?: unknown } | undefined)?.code;
    return `${err.message}${typeof code === "string" ? ` (${code})` : ""}`;
  }

  async function post(url: string, body: string): Promise<{ response: Response; text: string }> {
    const response = await context.send(url, {
      method: "POST",
      headers: {
        Authorization: basic,
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "application/json",
        "User-Agent": context.userAgent,
      },
      body,
    });
    return { response, text: await response.text() };
  }

  async function requestToken(): Promise<Token> {
    const started = Date.now();
    let reply: { response: Response; text: string };
    try {
      reply = await post(tokenUrl, "grant_type=client_credentials");
    } catch (err) {
      throw failure(`could not get an access token: ${describe(err)}`, { cause: err });
    }
    const { response, text } = reply;
    const status = response.status;
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const fields = (typeof json === "object" && json !== null ? json : {}) as Record<
      string,
      unknown
    >;
    const answered = `POST /api/oauth/token answered ${status}`;
    if (!response.ok) {
      // RFC 6749, section 5.2: { error, error_description }.
      const code = typeof fields.error === "string" ? scrub(fields.error) : undefined;
      const detail =
        typeof fields.error_description === "string" ? scrub(fields.error_description) : "";
      let what: string;
      if (code) what = `${answered} ${code}${detail ? ` (${detail})` : ""}`;
      else if (text) what = `${answered} with a body that is not an OAuth error: ${scrub(text)}`;
      else what = `${answered} with an empty body`;
      if (code === "invalid_client") what += "; check the client id and secret";
      throw failure(`could not get an access token: ${what}`, { status, errorCode: code });
    }
    // A 2xx body may hold a token, so none of it is quoted in these messages.
    if (json === undefined) {
      throw failure(`could not get an access token: ${answered} with a body that is not JSON`, {
        status,
      });
    }
    const value = fields.access_token;
    if (typeof value !== "string" || !/^[\x21-\x7e]+$/.test(value)) {
      throw failure(`could not get an access token: ${answered} without a usable access_token`, {
        status,
      });
    }
    const type = fields.token_type;
    if (type !== undefined && (typeof type !== "string" || type.toLowerCase() !== "bearer")) {
      throw failure(
        `could not get an access token: ${answered} with token_type ${scrub(JSON.stringify(type))}, not Bearer`,
        { status },
      );
    }
    // Without expires_in the token serves until Atlas refuses it; the 401 path then renews it.
    const seconds = Number(fields.expires_in);
    const lifetimeMs =
      fields.expires_in !== undefined && Number.isFinite(seconds) && seconds >= 0
        ? seconds * 1000
        : Infinity;
    const expiresAt = started + lifetimeMs;
    return {
      header: `Bearer ${value}`,
      refreshAt: expiresAt - refreshMargin(lifetimeMs),
      expiresAt,
    };
  }

  /** Starts a token request unless one is in flight; every caller shares its outcome. */
  function refresh(): Promise<Token> {
    inflight ??= requestToken().then(
      (fresh) => {
        inflight = undefined;
        token = fresh;
        return fresh;
      },
      (err: unknown) => {
        inflight = undefined;
        throw err;
      },
    );
    return inflight;
  }

  function current(): Token | Promise<Token> {
    const now = Date.now();
    if (token && now < token.refreshAt) return token;
    if (token && now < token.expiresAt) {
      // Still valid: keep serving it; a failed background refresh is retried by the next call.
      refresh().catch(() => undefined);
      return token;
    }
    return refresh();
  }

  return {
    type: "serviceAccount",
    label: who,
    async authorize(request) {
      if (closed) throw failure("was closed; create a new client to make more calls");
      const held = current();
      const { header } = held instanceof Promise ? await held : held;
      // close() may have run while this call waited for the token it is about to revoke.
      if (closed) throw failure("was closed; create a new client to make more calls");
      request.headers.set("Authorization", header);
    },
    onUnauthorized(request) {
      if (closed) return false;
      const sent = request.headers.get("Authorization");
      // Drop the token only if it is still the one this request carried: another call may
      // already have replaced it, and that newer token must not be thrown away.
      if (token && sent === token.header) token = undefined;
      return sent !== null && sent.startsWith("Bearer ");
    },
    async close() {
      if (closed) return;
      closed = true;
      const held = inflight ? await inflight.catch(() => undefined) : token;
      token = undefined;
      if (!held || Date.now() >= held.expiresAt) return;
      // RFC 7009: revoke with the same client authentication as the token request.
      const body = `token=${encodeURIComponent(held.header.slice(7))}&token_type_hint=access_token`;
      let reply: { response: Response; text: string };
      try {
        reply = await post(revokeUrl, body);
      } catch (err) {
        throw failure(`could not revoke its access token: ${describe(err)}`, { cause: err });
      }
      if (!reply.response.ok) {
        throw failure(
          `could not revoke its access token: POST /api/oauth/revoke answered ${reply.response.status}`,
          { status: reply.response.status },
        );
      }
    },
  };
}
