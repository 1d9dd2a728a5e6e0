/**
 * Service accounts: OAuth 2.0 client credentials (RFC 6749, section 4.4) against Atlas's token
 * endpoint, then `Authorization: Bearer` on API calls.
 *
 * One token serves every call until shortly before it expires. Fetching it is single-flight:
 * however many calls need a token at once, one request goes to the token endpoint and all of them
 * wait for it (each no longer than its own signal and timeout allow). Inside the refresh margin
 * the still-valid token keeps serving while one background request fetches the next.
 */
import { AtlasAuthError, AtlasError } from "../errors.js";
import type { SentReply } from "../http/fetch.js";
import { oneLine, scrubberFor } from "../text.js";
import { ANY_TEXT, checkFields, VISIBLE_ASCII } from "./credentials.js";
import type { AuthContext, AuthSession, AuthStrategy } from "./strategy.js";

export interface ServiceAccountOptions {
  /** The service account's client id, such as mdb_sa_id_... */
  clientId: string;
  /** The service account's client secret. Sent only to the token endpoint, in Basic auth. */
  clientSecret: string;
}

/**
 * The lifetime assumed for a token whose answer gives no usable `expires_in` (missing, null, zero,
 * negative or not a number): one hour, what Atlas issues. A 401 renews a token that ends sooner.
 */
export const DEFAULT_TOKEN_LIFETIME_MS = 3_600_000;

interface Token {
  value: string;
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

function lifetimeOf(expiresIn: unknown): number {
  const seconds = typeof expiresIn === "number" ? expiresIn : Number.NaN;
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_TOKEN_LIFETIME_MS;
}

/**
 * Authenticates with an Atlas service account (recommended by MongoDB). `close()` on the client
 * revokes the tokens it obtained.
 *
 * @example
 * import { createAtlasInvites, serviceAccount } from "atlas-invites";
 *
 * const atlas = createAtlasInvites({
 *   auth: serviceAccount({
 *     clientId: "mdb_sa_id_1234",
 *     clientSecret: process.env.MONGODB_ATLAS_CLIENT_SECRET ?? "",
 *   }),
 * });
 */
export function serviceAccount(options: ServiceAccountOptions): AuthStrategy {
  const { clientId, clientSecret } = checkFields("serviceAccount", options, {
    // The id is joined to the secret with ':' (RFC 7617), so it must not hold one.
    clientId: [/^(?!.*:)[\x21-\x7e]+$/, `${VISIBLE_ASCII[1]}, without ':'`],
    clientSecret: ANY_TEXT,
  });
  const label = `service account ${clientId}`;
  return { label, start: (context) => startSession(label, clientId, clientSecret, context) };
}

function startSession(
  who: string,
  clientId: string,
  clientSecret: string,
  context: AuthContext,
): AuthSession {
  // Atlas expects the raw id and secret joined by ':' (RFC 7617), not form-encoded first.
  const encoded = Buffer.from(`${clientId}:${clientSecret}`, "utf8").toString("base64");
  const basic = `Basic ${encoded}`;

  let token: Token | undefined;
  let inflight: Promise<Token> | undefined;
  /** Tokens obtained and not known to be dead: what `close()` revokes. */
  const live = new Set<Token>();
  const secrets = function* () {
    yield clientSecret;
    yield encoded;
    for (const t of live) yield t.value;
  };
  const scrub = scrubberFor(secrets);

  function failure(what: string, init: ConstructorParameters<typeof AtlasAuthError>[1] = {}) {
    return new AtlasAuthError(`atlas-invites: ${who} ${what}`, init);
  }

  function describe(err: unknown): string {
    if (err instanceof AtlasError) return err.message.replace(/^atlas-invites: /, "");
    return oneLine(scrub(err instanceof Error ? err.message : String(err)));
  }

  function post(path: string, body: string, closing = false): Promise<SentReply> {
    return context.send(
      path,
      {
        method: "POST",
        headers: {
          Authorization: basic,
          "Content-Type": "application/x-www-form-urlencoded",
          Accept: "application/json",
          "User-Agent": context.userAgent,
        },
        body,
      },
      closing,
    );
  }

  async function requestToken(): Promise<Token> {
    const started = Date.now();
    let reply: SentReply;
    try {
      reply = await post("/api/oauth/token", "grant_type=client_credentials");
    } catch (err) {
      throw failure(`could not get an access token: ${describe(err)}`, { cause: err });
    }
    const { status, text } = reply;
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const answer = (typeof json === "object" && json !== null ? json : {}) as Record<
      string,
      unknown
    >;
    const answered = `POST /api/oauth/token answered ${status}`;
    if (status < 200 || status > 299) {
      // RFC 6749, section 5.2: { error, error_description }.
      const code = typeof answer.error === "string" ? oneLine(scrub(answer.error), 60) : undefined;
      const detail =
        typeof answer.error_description === "string"
          ? oneLine(scrub(answer.error_description))
          : "";
      let what: string;
      if (code) what = `${answered} ${code}${detail ? ` (${detail})` : ""}`;
      else if (text)
        what = `${answered} with a body that is not an OAuth error: ${oneLine(scrub(text))}`;
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
    const value = answer.access_token;
    if (typeof value !== "string" || !VISIBLE_ASCII[0].test(value)) {
      throw failure(`could not get an access token: ${answered} without a usable access_token`, {
        status,
      });
    }
    const type = answer.token_type;
    if (type !== undefined && (typeof type !== "string" || type.toLowerCase() !== "bearer")) {
      throw failure(
        `could not get an access token: ${answered} with a token_type other than Bearer`,
        {
          status,
        },
      );
    }
    const lifetimeMs = lifetimeOf(answer.expires_in);
    const expiresAt = started + lifetimeMs;
    const fresh = {
      value,
      header: `Bearer ${value}`,
      refreshAt: expiresAt - refreshMargin(lifetimeMs),
      expiresAt,
    };
    live.add(fresh);
    return fresh;
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
      // Still valid: keep serving it; a failed background refresh is tried again by the next call.
      refresh().catch(() => undefined);
      return token;
    }
    return refresh();
  }

  async function revoke(held: Token): Promise<void> {
    const until = new Date(held.expiresAt).toISOString();
    const stays = `; the token stays valid until it expires (${until})`;
    let reply: SentReply;
    try {
      // RFC 7009: revoke with the same client authentication as the token request.
      reply = await post(
        "/api/oauth/revoke",
        `token=${encodeURIComponent(held.value)}&token_type_hint=access_token`,
        true,
      );
    } catch (err) {
      throw failure(`could not revoke an access token: ${describe(err)}${stays}`, { cause: err });
    }
    if (reply.status < 200 || reply.status > 299) {
      throw failure(
        `could not revoke an access token: POST /api/oauth/revoke answered ${reply.status}${stays}`,
        { status: reply.status },
      );
    }
  }

  return {
    authorize(request) {
      const held = current();
      if (!(held instanceof Promise)) {
        request.headers.set("Authorization", held.header);
        return;
      }
      return held.then((fresh) => {
        request.headers.set("Authorization", fresh.header);
      });
    },
    onUnauthorized(request) {
      const sent = request.headers.get("Authorization");
      // Atlas refused this token: it is dead. Drop it only if it is still the current one, as
      // another call may already have replaced it with a newer token that must be kept.
      for (const t of live) if (t.header === sent) live.delete(t);
      if (token && sent === token.header) token = undefined;
      return sent !== null && sent.startsWith("Bearer ");
    },
    secrets,
    async close() {
      await inflight?.catch(() => undefined);
      token = undefined;
      const now = Date.now();
      const open = [...live].filter((t) => now < t.expiresAt);
      live.clear();
      const outcomes = await Promise.allSettled(open.map(revoke));
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
      if (failed) throw failed.reason;
    },
  };
}
