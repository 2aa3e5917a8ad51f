/**
 * @module test/support/tcp-proxy — a TCP proxy on 127.0.0.1 in front of a test server, for network faults the
 * server itself cannot make: connections refused (`stop()`: nothing listens on the port), and a connection dropped
 * after the request was written (`dropResponses`: the request reaches the server, its answer is thrown away and
 * the client's connection closed).
 */

export interface TcpProxy extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** When true, each answer from the server is discarded and the client's connection closed instead. */
  dropResponses: boolean;
  /** Closes the listener and every open connection: new connections are refused. */
  stop(): void;
  /** Listens again on the same port. */
  start(): void;
}

interface Pipe {
  upstream?: Bun.Socket<undefined>;
  pending: Uint8Array[];
}

export function startTcpProxy(targetPort: number): TcpProxy {
  let listener: Bun.TCPSocketListener<Pipe> | undefined;
  let port = 0;
  const proxy: TcpProxy = {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    dropResponses: false,
    stop() {
      listener?.stop(true);
      listener = undefined;
    },
    start() {
      listener = Bun.listen<Pipe>({
        hostname: '127.0.0.1',
        port,
        socket: {
          open(client) {
            client.data = { pending: [] };
            void Bun.connect({
              hostname: '127.0.0.1',
              port: targetPort,
              socket: {
                open(upstream) {
                  client.data.upstream = upstream;
                  for (const chunk of client.data.pending) upstream.write(chunk);
                  client.data.pending = [];
                },
                data(upstream, chunk) {
                  if (!proxy.dropResponses) return void client.write(chunk);
                  client.end();
                  upstream.end();
                },
                close() {
                  client.end();
                },
                error() {
                  client.end();
                },
              },
            }).catch(() => client.end());
          },
          data(client, chunk) {
            if (client.data.upstream) client.data.upstream.write(chunk);
            else client.data.pending.push(new Uint8Array(chunk));
          },
          close(client) {
            client.data.upstream?.end();
          },
        },
      });
      port = listener.port;
    },
    async [Symbol.asyncDispose]() {
      proxy.stop();
    },
  };
  proxy.start();
  return proxy;
}
