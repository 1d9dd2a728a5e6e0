/**
 * One attempt of one request: its abort controller, its timer, its link to the caller's signal,
 * and the rules its answer's body is read by (see body.ts). The client's fetch makes one per try.
 */
import { AtlasApiError, AtlasTimeoutError } from "../errors.js";
import { redactUrl, type Scrub } from "../text.js";
import type { BodyRules } from "./body.js";
import type { AtlasRequest } from "./request.js";

/** What the client's fetch keeps across attempts: the count of attempts in flight, for close(). */
export interface Flight {
  active: number;
  drained: (() => void) | undefined;
  /** Controllers whose attempts ended without aborting them, ready to serve again. */
  spare: Lease[];
}

/**
 * How many attempts one AbortController serves. Creating one costs more than a microsecond on
 * Node 20 (its signal is an EventTarget whose prototype is set at run time), so a controller whose
 * attempt ended without aborting it serves the next attempt. undici keeps a weak listener on the
 * signal of every fetch it served until the garbage collector runs; the cap keeps that list short.
 * The listeners of finished fetches do nothing when a later attempt aborts the signal: their
 * bodies were read or cancelled before the controller came back.
 */
const CONTROLLER_USES = 16;

/** A controller and the number of attempts it has served. */
interface Lease {
  controller: AbortController;
  uses: number;
}

/**
 * One attempt of one request: its abort controller, its timer, its link to the caller's signal,
 * and the rules its answer's body is read by. It listens to the caller's signal as an event
 * listener object, and its timer gets it as an argument, so an attempt costs no closures.
 */
export class Attempt implements BodyRules {
  private readonly lease: Lease;
  readonly controller: AbortController;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  response: Response | undefined = undefined;
  private done = false;

  constructor(
    readonly request: AtlasRequest,
    readonly limitMs: number,
    readonly maxBytes: number,
    private readonly flight: Flight,
    private readonly scrub: Scrub,
  ) {
    this.lease = flight.spare.pop() ?? { controller: new AbortController(), uses: 0 };
    this.controller = this.lease.controller;
    flight.active++;
    request.signal?.addEventListener("abort", this);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The caller aborted: the attempt ends with the caller's reason, as fetch does. */
  handleEvent(): void {
    this.controller.abort(this.request.signal!.reason);
  }

  timedOut(): AtlasTimeoutError {
    const { method, url } = this.request;
    return new AtlasTimeoutError(
      `atlas-invites: ${method} ${redactUrl(url)} timed out after ${this.limitMs} ms`,
    );
  }

  settle(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.request.signal?.removeEventListener("abort", this);
    const { lease, flight } = this;
    if (!lease.controller.signal.aborted && ++lease.uses < CONTROLLER_USES)
      flight.spare.push(lease);
    if (--flight.active === 0) flight.drained?.();
  }

  fail(problem: string, cause?: unknown): AtlasApiError {
    const { request, response } = this;
    const error = new AtlasApiError({
      status: response?.status ?? 0,
      method: request.method,
      path: request.operation?.path ?? new URL(request.url).pathname,
      url: redactUrl(request.url),
      response: response!,
      body: undefined,
      problem,
      scrub: this.scrub,
    });
    if (cause !== undefined) {
      Object.defineProperty(error, "cause", { value: cause, configurable: true, writable: true });
    }
    return error;
  }
}

export function expire(attempt: Attempt): void {
  attempt.controller.abort(attempt.timedOut());
  attempt.settle();
}
