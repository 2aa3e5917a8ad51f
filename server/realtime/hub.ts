/**
 * @module server/realtime/hub — publishes to WebSocket topics once the server listens (Bun's server.publish), in
 * each reader's language and time zone.
 *
 * A recruiter's socket hears a topic as `<topic>@<reader key>` (views/i18n Translator.key, e.g.
 * `inbox:admin|any@es~America/Bogota`): a fragment given as a render function is rendered once per reader key
 * that has a subscriber on that topic, and only then. A fragment given as a string (a row's removal, the
 * simulated phone's bubbles) is the same for every reader and goes to the plain topic and to every reader's.
 */
import { DEFAULT_PAGE_LOCALE, DEFAULT_TIME_ZONE, translator, type Translator } from '../../views/i18n';

interface Publisher {
  publish(topic: string, data: string): number;
  subscriberCount?(topic: string): number;
}

/** A fragment in one reader's words: pushed views are rendered per reader (`i18n`). */
export type Render = (i18n: Translator) => string | Promise<string>;

/** What a socket's reader holds while it is open: the topic names it subscribes to, and its release. */
export interface HubReader {
  readonly i18n: Translator;
  /** `topic` as this reader hears it. */
  topic(topic: string): string;
  /** The socket closed: once no socket of this reader key is left, publications stop rendering for it. */
  leave(): void;
}

export interface Hub {
  /** Called once the HTTP server exists; before that (and in app.handle tests) publishing only notifies listeners. */
  attach(server: Publisher): void;
  /**
   * Sends `data` to everyone subscribed to `topic`, in order with the caller's other publications. A render function
   * runs at most once per reader key (memoise it across topics with `perReader`); listeners hear the Spanish,
   * Colombian-time rendering. Resolves once every rendering was published; rejects if a rendering throws.
   */
  publish(topic: string, data: string | Render): Promise<void>;
  /** A socket's reader joins (see HubReader); the same language and zone share one key. */
  join(i18n: Translator): HubReader;
  /** In-process listeners (tests, the simulator) see every publication under its plain topic. */
  listen(fn: (topic: string, data: string) => void): () => void;
  /** Subscribers of `topic`, every reader's and the plain topic's together. */
  subscribers(topic: string): number;
  /** True when in-process listeners (tests, the simulator) want every publication. */
  hasListeners(): boolean;
}

/** `topic` as the readers with `key` hear it. */
export const readerTopic = (topic: string, key: string) => `${topic}@${key}`;

/** The reader listeners hear: the product's first language and market. */
const LISTENER_READER = translator(DEFAULT_PAGE_LOCALE, DEFAULT_TIME_ZONE);

/**
 * `render` rendered at most once per reader key, however many topics it is published to: a list row goes to two
 * audiences × every status tab, and each reader's copy is the same.
 */
export function perReader(render: Render): Render {
  const done = new Map<string, Promise<string>>();
  return (i18n) => {
    let html = done.get(i18n.key);
    if (!html) {
      html = Promise.resolve(render(i18n));
      done.set(i18n.key, html);
    }
    return html;
  };
}

export function createHub(): Hub {
  let server: Publisher | undefined;
  const listeners = new Set<(topic: string, data: string) => void>();
  /** Reader keys with an open socket, and how many sockets each. */
  const readers = new Map<string, { i18n: Translator; sockets: number }>();
  // A topic nobody is subscribed to is skipped before anything is rendered or Bun encodes it: a list row goes to two
  // audiences × every status tab, most of them with no one watching.
  const count = (topic: string) => (server ? (server.subscriberCount?.(topic) ?? 1) : 0);

  return {
    attach(s) {
      server = s;
    },
    async publish(topic, data) {
      if (typeof data === 'string') {
        if (count(topic) > 0) server!.publish(topic, data);
        for (const key of readers.keys()) {
          const heard = readerTopic(topic, key);
          if (count(heard) > 0) server!.publish(heard, data);
        }
        for (const listener of listeners) listener(topic, data);
        return;
      }
      for (const [key, reader] of [...readers]) {
        const heard = readerTopic(topic, key);
        if (count(heard) === 0) continue;
        const html = await data(reader.i18n);
        if (count(heard) > 0) server!.publish(heard, html);
      }
      if (listeners.size > 0) {
        const html = await data(LISTENER_READER);
        for (const listener of listeners) listener(topic, html);
      }
    },
    join(i18n) {
      const entry = readers.get(i18n.key) ?? { i18n, sockets: 0 };
      entry.sockets++;
      readers.set(i18n.key, entry);
      let left = false;
      return {
        i18n,
        topic: (topic) => readerTopic(topic, i18n.key),
        leave() {
          if (left) return;
          left = true;
          if (--entry.sockets === 0) readers.delete(i18n.key);
        },
      };
    },
    listen(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    subscribers(topic) {
      const of = (t: string) => server?.subscriberCount?.(t) ?? 0;
      let total = of(topic);
      for (const key of readers.keys()) total += of(readerTopic(topic, key));
      return total;
    },
    hasListeners: () => listeners.size > 0,
  };
}
