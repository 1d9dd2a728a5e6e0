/**
 * The pipeline's prettier, on a worker thread of its own: it loads prettier and its TypeScript
 * parser while the main thread loads the TypeScript compiler and builds the sources, then formats
 * each source it receives, one at a time, in the order they arrive. Plain JavaScript, so the thread
 * starts without a TypeScript loader.
 *
 * Messages in: { id, content, filepath, parser }. Messages out: { id, formatted, ms } (ms: the time
 * prettier took for this source) or { id, error }.
 */
import { performance } from "node:perf_hooks";
import { parentPort } from "node:worker_threads";
import * as prettier from "prettier";

if (!parentPort) throw new Error("format-worker.mjs runs as a worker thread of the pipeline");
const port = parentPort;

// Load the parser and printer plugins the pipeline asks for now, before the first source arrives.
let queue = prettier.format("export const ready = true;\n", { parser: "babel-ts" });

async function formatOne({ id, content, filepath, parser }) {
  try {
    const started = performance.now();
    const options = (await prettier.resolveConfig(filepath)) ?? {};
    const formatted = await prettier.format(content, { ...options, filepath, parser });
    port.postMessage({ id, formatted, ms: performance.now() - started });
  } catch (error) {
    port.postMessage({
      id,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
}

port.on("message", (message) => {
  queue = queue.then(
    () => formatOne(message),
    (error) => {
      port.postMessage({ id: message.id, error: `prettier did not load: ${String(error)}` });
    },
  );
});
