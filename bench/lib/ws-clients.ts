/** @module bench/lib/ws-clients — N WebSocket clients in their own process; tells the parent (IPC) when all N have received message k. */

/**
 * Child: `bun bench/lib/ws-clients.ts <ws-url> <n>`, spawned with `ipc`. Sends `{ type: 'ready' }` once every
 * socket is open, then `{ type: 'all', k }` each time the k-th message has reached every socket; exits on
 * `{ type: 'stop' }`. Messages are counted, not parsed, so any payload works.
 */
type ChildMessage = { type: 'ready' } | { type: 'all'; k: number } | { type: 'failed'; error: string };

export interface WsClients {
  /** Resolves with performance.now() (parent's clock) when the k-th message reached all sockets. */
  reached(k: number): Promise<number>;
  stop(): Promise<void>;
}

/** Spawns the client process and resolves once all `n` sockets are open. */
export async function spawnWsClients(url: string, n: number): Promise<WsClients> {
  const waiting = new Map<number, (at: number) => void>();
  const arrived = new Map<number, number>();
  const ready = Promise.withResolvers<void>();
  const child = Bun.spawn([process.execPath, import.meta.path, url, String(n)], {
    stdout: 'inherit',
    stderr: 'inherit',
    ipc(message: ChildMessage) {
      if (message.type === 'ready') ready.resolve();
      else if (message.type === 'failed') ready.reject(new Error(`ws clients: ${message.error}`));
      else {
        const at = performance.now();
        const resolve = waiting.get(message.k);
        if (resolve) (waiting.delete(message.k), resolve(at));
        else arrived.set(message.k, at);
      }
    },
  });
  void child.exited.then((code) => ready.reject(new Error(`ws clients exited with ${code} before they were ready`)));
  await ready.promise;
  return {
    reached(k) {
      const at = arrived.get(k);
      if (at !== undefined) return (arrived.delete(k), Promise.resolve(at));
      const { promise, resolve } = Promise.withResolvers<number>();
      waiting.set(k, resolve);
      return promise;
    },
    async stop() {
      child.send({ type: 'stop' });
      await child.exited;
    },
  };
}

/** Opens sockets a batch at a time: thousands of simultaneous handshakes overflow the listen backlog. */
async function openAll(url: string, n: number, onMessage: (index: number) => void): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let start = 0; start < n; start += 100) {
    const batch = Array.from({ length: Math.min(100, n - start) }, (_, j) => {
      const index = start + j;
      const socket = new WebSocket(url);
      socket.binaryType = 'arraybuffer';
      socket.onmessage = () => onMessage(index);
      sockets.push(socket);
      return new Promise<void>((resolve, reject) => {
        socket.onopen = () => resolve();
        socket.onerror = () => reject(new Error(`socket ${index} failed to open`));
      });
    });
    await Promise.all(batch);
  }
  return sockets;
}

async function child(url: string, n: number): Promise<void> {
  const counts = new Uint32Array(n);
  const reachedBy = new Map<number, number>();
  function onMessage(index: number) {
    const k = ++counts[index]!;
    const total = (reachedBy.get(k) ?? 0) + 1;
    if (total < n) reachedBy.set(k, total);
    else (reachedBy.delete(k), process.send!({ type: 'all', k } satisfies ChildMessage));
  }
  let sockets: WebSocket[] = [];
  process.on('message', (message: { type: string }) => {
    if (message.type !== 'stop') return;
    for (const socket of sockets) socket.close();
    process.exit(0);
  });
  try {
    sockets = await openAll(url, n, onMessage);
    process.send!({ type: 'ready' } satisfies ChildMessage);
  } catch (error) {
    process.send!({ type: 'failed', error: String(error) } satisfies ChildMessage);
    process.exit(1);
  }
}

if (import.meta.main) await child(process.argv[2]!, Number(process.argv[3]));
