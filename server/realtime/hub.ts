/** @module server/realtime/hub — publishes to WebSocket topics once the server listens (Bun's server.publish). */

interface Publisher {
  publish(topic: string, data: string): number;
  subscriberCount?(topic: string): number;
}

export interface Hub {
  /** Called once the HTTP server exists; before that (and in app.handle tests) publishing only notifies listeners. */
  attach(server: Publisher): void;
  publish(topic: string, data: string): void;
  /** In-process listeners (tests, the simulator) see every publication. */
  listen(fn: (topic: string, data: string) => void): () => void;
  subscribers(topic: string): number;
  /** True when in-process listeners (tests, the simulator) want every publication. */
  hasListeners(): boolean;
}

export function createHub(): Hub {
  let server: Publisher | undefined;
  const listeners = new Set<(topic: string, data: string) => void>();
  return {
    attach(s) {
      server = s;
    },
    publish(topic, data) {
      // A topic nobody is subscribed to is skipped before Bun encodes the fragment for it: a list row goes to two
      // audiences × every status tab, most of them with no one watching.
      if (server && (server.subscriberCount?.(topic) ?? 1) > 0) server.publish(topic, data);
      for (const listener of listeners) listener(topic, data);
    },
    listen(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    subscribers: (topic) => server?.subscriberCount?.(topic) ?? 0,
    hasListeners: () => listeners.size > 0,
  };
}
