/**
 * One abort listener per caller signal, shared by every call the signal is given to. A caller may
 * pass one signal (a shutdown signal) to many calls at once, and each call listens to it until it
 * ends; a listener of its own per call would pass Node's limit of 10 per signal
 * (events.defaultMaxListeners) at the eleventh concurrent call, and Node would print a
 * MaxListenersExceededWarning about a leak there is not. undici's fetch avoids the same warning
 * for a signal given to many requests.
 */

/** What a call does when its caller's signal aborts. */
export interface AbortListener {
  handleEvent(): void;
}

/** The listeners of one signal, and the one listener the signal calls for them all. */
class Listeners extends Set<AbortListener> {
  handleEvent(): void {
    for (const listener of this) listener.handleEvent();
  }
}

const listening = new WeakMap<AbortSignal, Listeners>();

/** Calls `listener` when `signal` aborts, until `unlisten` takes it off. */
export function listen(signal: AbortSignal, listener: AbortListener): void {
  let listeners = listening.get(signal);
  if (!listeners) {
    listening.set(signal, (listeners = new Listeners()));
    signal.addEventListener("abort", listeners);
  }
  listeners.add(listener);
}

/** Takes `listener` off; the signal keeps no listener of the client's once none is left. */
export function unlisten(signal: AbortSignal, listener: AbortListener): void {
  const listeners = listening.get(signal);
  if (listeners?.delete(listener) && listeners.size === 0) {
    signal.removeEventListener("abort", listeners);
    listening.delete(signal);
  }
}
