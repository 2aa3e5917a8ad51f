/** @module test/support/listen — a test app on a real socket (127.0.0.1, port 0) for browsers and other real clients. */
import type { TestApp } from './app';

export interface Listening extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
}

export function listen(t: TestApp): Listening {
  t.app.listen({ port: 0, hostname: '127.0.0.1' });
  const server = t.app.server;
  if (!server) throw new Error('the app did not start listening');
  t.services.hub.attach(server);
  return {
    url: `http://127.0.0.1:${server.port}`,
    async [Symbol.asyncDispose]() {
      await t.app.stop(true);
    },
  };
}
