/**
 * A tiny HTTP server for the loopback timing metric, started with child_process.fork so that it
 * runs in its own process (and on its own core when one is free), like a real server would.
 * Every request gets the same 200 answer once its body has been read; the port goes back to the
 * parent over the IPC channel.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ATLAS_JSON, ORG_INVITE_TEXT } from "./fixtures.js";

const headers = {
  "Content-Type": ATLAS_JSON,
  "Content-Length": String(Buffer.byteLength(ORG_INVITE_TEXT)),
  "RateLimit-Limit": "100",
  "RateLimit-Remaining": "99",
};

const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, headers);
    res.end(ORG_INVITE_TEXT);
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, "127.0.0.1", () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on("disconnect", () => {
  server.close();
  server.closeAllConnections();
});
