/**
 * A tiny typed event emitter: `Events` maps each event name to its payload type.
 * Listeners run synchronously in registration order; one that throws does not stop the others.
 */
export class Emitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();
  private readonly onListenerError: (err: unknown) => void;

  /** `onListenerError` defaults to rethrowing outside the emit, where the host reports it. */
  constructor(onListenerError?: (err: unknown) => void) {
    this.onListenerError =
      onListenerError ??
      ((err) =>
        queueMicrotask(() => {
          throw err;
        }));
  }

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof Events>(type: K, listener: (payload: Events[K]) => void): () => void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener as (payload: never) => void);
    return () => {
      set.delete(listener as (payload: never) => void);
    };
  }

  emit<K extends keyof Events>(type: K, payload: Events[K]): void {
    const set = this.listeners.get(type);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (payload: Events[K]) => void)(payload);
      } catch (err) {
        // A listener's bug must not break the engine, nor disappear.
        this.onListenerError(err);
      }
    }
  }
}
