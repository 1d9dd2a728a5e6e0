/**
 * A server on 127.0.0.1 that misbehaves on purpose: each test gives it a handler that redirects,
 * stalls, echoes or floods. It records every request it receives (method, path, headers, body),
 * so a test can count what reached it, and it can stand in for "another origin" as well.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export type Handler = (
  req: IncomingMessage & { body: string },
  res: ServerResponse,
) => void | Promise<void>;

export interface HostileServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly seen: SeenRequest[];
  /** Replaces the handler; the default answers 404 with an empty body. */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export async function startHostileServer(): Promise<HostileServer> {
  let handler: Handler = (_req, res) => {
    res.writeHead(404).end();
  };
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      Promise.resolve(handler(Object.assign(req, { body }), res)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    handle(next) {
      handler = next;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Answers with a JSON body (Atlas's error media type unless told otherwise). */
export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** An organization invitation as Atlas returns it, for handlers that answer a GET with data. */
export const INVITE = {
  id: "5f1a7b3c9d2e4f6a8b0c1d2e",
  orgId: "4888442a3354817a7320eb61",
  orgName: "Acme",
  roles: ["ORG_MEMBER"],
  username: "invitee@example.com",
};

export const ORG_ID = INVITE.orgId;
export const INVITATION_ID = INVITE.id;
