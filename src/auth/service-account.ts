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
import { oneLine, scrubberFor } from "../text.js";
import { ANY_TEXT, checkFields, VISIBLE_ASCII } from "./credentials.js";
import type { AuthStrategy } from "./strategy.js";

/** What `serviceAccount()` takes: a service account's client id and secret. */
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
  /** From here on, one background request fetches the next token. */
  refreshAt: number;
  /** From here on, calls wait for a new token. */
  expiresAt: number;
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
  return {
    label,
    start(context) {
      // Atlas expects the raw id and secret joined by ':' (RFC 7617), not form-encoded first.
      const basic = Buffer.from(`${clientId}:${clientSecret}`).toString("base64");
      let token: Token | undefined;
      let inflight: Promise<Token> | undefined;
      /**
       * The last token request that failed, and when: no other one is sent for 5 s. A secret that
       * expired, or a token endpoint that refuses, would otherwise cost a token request per call
       * (Atlas allows 50 a minute on that endpoint: the Terraform provider's guide).
       */
      let failed: { error: AtlasAuthError; at: number } | undefined;
      /** Tokens obtained and not known to be dead, with when they expire: what `close()` revokes. */
      const live = new Map<string, number>();
      /**
       * Tokens Atlas refused before they expired: not revoked, but still scrubbed until then,
       * since calls sent with one may yet get an answer that quotes it.
       */
      const refused = new Map<string, number>();
      const secrets = () => [clientSecret, basic, ...live.keys(), ...refused.keys()];
      const scrub = scrubberFor(secrets);

      /** How a message names a POST to `path`: by the path it went to under the base URL. */
      const posted = (path: string) => `POST ${new URL(context.baseUrl + path).pathname}`;

      const failure = (
        action: string,
        why: string,
        init?: ConstructorParameters<typeof AtlasAuthError>[1],
      ) => new AtlasAuthError(`atlas-invites: ${label} could not ${action}: ${why}`, init);

      /**
       * POSTs a form to one of Atlas's OAuth endpoints (RFC 6749 and RFC 7009 both authenticate
       * the client the same way). Returns the status and JSON body of a 2xx answer; anything else
       * is an AtlasAuthError that quotes the answer, scrubbed, and ends with `after`. `closing`
       * lets a revocation out while the client closes.
       */
      async function post(path: string, form: string, action: string, after = "", closing = false) {
        let reply;
        try {
          reply = await context.send(
            path,
            {
              method: "POST",
              headers: {
                Authorization: `Basic ${basic}`,
                "Content-Type": "application/x-www-form-urlencoded",
                Accept: "application/json",
                "User-Agent": context.userAgent,
              },
              body: form,
            },
            closing,
          );
        } catch (err) {
          // The client's own errors are already scrubbed and say what failed.
          const why =
            err instanceof AtlasError
              ? err.message.replace("atlas-invites: ", "")
              : oneLine(scrub(String(err)));
          throw failure(action, why + after, { cause: err });
        }
        const { status, text } = reply;
        let json: Record<string, unknown> | undefined;
        try {
          json = Object(JSON.parse(text)) as Record<string, unknown>;
        } catch {
          json = undefined;
        }
        if (status < 300) return { status, json };
        // RFC 6749, section 5.2: an error answer names its `error` code. Atlas's own error body
        // (its rate limit on this endpoint, quoted in the Terraform provider's configuration
        // guide) has a numeric `error` and the code in `errorCode`.
        const named = typeof json?.error === "string" ? json.error : json?.errorCode;
        const code = typeof named === "string" ? oneLine(scrub(named), 60) : undefined;
        const hint = code === "invalid_client" ? "; check the client id and secret" : "";
        const quoted = text && `: ${oneLine(scrub(text))}`;
        const why = `${posted(path)} answered ${status}${quoted}${hint}${after}`;
        throw failure(action, why, { status, errorCode: code });
      }

      async function requestToken(): Promise<Token> {
        const started = Date.now();
        const action = "get an access token";
        const path = "/api/oauth/token";
        const { status, json } = await post(path, "grant_type=client_credentials", action);
        const value = json?.access_token;
        // RFC 6749, section 5.1: token_type is case-insensitive; a missing one is taken as Bearer.
        const type = json?.token_type ?? "Bearer";
        if (
          typeof value !== "string" ||
          !VISIBLE_ASCII[0].test(value) ||
          typeof type !== "string" ||
          !/^bearer$/i.test(type)
        ) {
          // A 2xx body may hold a token, so none of it is quoted.
          const what = json
            ? "without a usable Bearer access_token"
            : "with a body that is not JSON";
          throw failure(action, `${posted(path)} answered ${status} ${what}`, { status });
        }
        const seconds = json?.expires_in;
        // A usable expires_in is held to at least a second, the unit RFC 6749 (section 5.1)
        // counts it in, so that a fraction never costs a token per call; and to at most a day, so
        // that a huge one still gives a date (close() names it) and the token is renewed now and
        // then. Atlas issues tokens for an hour.
        const lifetimeMs =
          Number.isFinite(seconds) && (seconds as number) > 0
            ? Math.min(Math.max(seconds as number, 1), 86_400) * 1000
            : DEFAULT_TOKEN_LIFETIME_MS;
        const expiresAt = started + lifetimeMs;
        // Tokens that expired need no revocation nor scrubbing; kept, they would pile up, one an
        // hour, in a client that runs for days, and slow the scrubbing of every error body.
        for (const list of [live, refused]) {
          for (const [old, end] of list) if (end <= started) list.delete(old);
        }
        live.set(value, expiresAt);
        // Refresh a minute before expiry, or a tenth of the lifetime for short-lived tokens.
        return { value, expiresAt, refreshAt: expiresAt - Math.min(60_000, lifetimeMs / 10) };
      }

      /** Starts a token request unless one is in flight; every caller shares its outcome. */
      const refresh = () =>
        (inflight ??= requestToken()
          .then(
            (fresh) => ((failed = undefined), (token = fresh)),
            (error: AtlasAuthError) => {
              failed = { error, at: Date.now() };
              throw error;
            },
          )
          .finally(() => (inflight = undefined)));

      return {
        authorize(request) {
          const now = Date.now();
          // A clock set back (a wall-clock step) ends the pause rather than stretching it.
          const since = failed ? now - failed.at : -1;
          const paused = since >= 0 && since < 5_000;
          if (token && now < token.expiresAt) {
            // Still valid: it keeps serving, while one background request fetches the next.
            if (now >= token.refreshAt && !paused) refresh().catch(() => undefined);
            request.headers.set("Authorization", `Bearer ${token.value}`);
            return;
          }
          // No token to serve, and Atlas refused the last request for one moments ago: its answer
          // is this call's too. A request that got no answer (a timeout, a refused connection)
          // cost Atlas nothing, and the next call tries again at once.
          if (paused && failed!.error.status !== undefined) return Promise.reject(failed!.error);
          return refresh().then((fresh) => {
            request.headers.set("Authorization", `Bearer ${fresh.value}`);
          });
        },
        onUnauthorized(request) {
          // Atlas refused the token this request carried: it is dead. It stops being the current
          // one only if it still is: another call may already have replaced it with a newer token.
          const sent = request.headers.get("Authorization")?.slice("Bearer ".length) ?? "";
          const end = live.get(sent);
          if (end !== undefined) {
            live.delete(sent);
            refused.set(sent, end);
          }
          if (token?.value === sent) token = undefined;
          return true;
        },
        secrets,
        async close() {
          await inflight?.catch(() => undefined);
          token = undefined;
          const now = Date.now();
          const open = [...live].filter(([, expiresAt]) => now < expiresAt);
          const outcomes = await Promise.allSettled(
            open.map(([value, expiresAt]) =>
              post(
                "/api/oauth/revoke",
                `token=${encodeURIComponent(value)}&token_type_hint=access_token`,
                "revoke an access token",
                `; the token stays valid until it expires (${new Date(expiresAt).toISOString()})`,
                true,
              ),
            ),
          );
          // Cleared only now, so that the revocations' answers are scrubbed of the tokens too.
          live.clear();
          refused.clear();
          for (const outcome of outcomes) if (outcome.status === "rejected") throw outcome.reason;
        },
      };
    },
  };
}
