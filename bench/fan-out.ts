/** @module bench/fan-out — one rendered message fragment pushed through the hub to N recruiter sockets vs raw server.publish of the same bytes. */
import { Elysia } from 'elysia';
import { createHub } from '../server/realtime/hub';
import { conversationTopic } from '../server/realtime/topics';
import { MessageAppend } from '../views/inbox/messages';
import type { MessageView } from '../views/inbox/types';
import { atLeast, scenarioMain } from './lib/cli';
import type { ScenarioOptions, ScenarioResult } from './lib/result';
import { count, ms, round, summarize } from './lib/stats';
import { spawnWsClients } from './lib/ws-clients';
import { translator } from '../views/i18n';

const CONVERSATION_ID = 4242;
const TOPIC = conversationTopic(CONVERSATION_ID);
const TARGET = 0.5;

function sampleMessage(id: number): MessageView {
  return {
    id,
    sender: 'aspirant',
    body: 'Hola! Ya llené el formulario 🙌 ¿Cuándo es el próximo casting en Medellín? Tengo disponibilidad en las tardes.',
    createdAt: new Date(1_760_000_000_000 + id * 1000),
    status: 'received',
    media: [],
  };
}

/** What the pusher does once it has the message row: render the fragment, publish it on the conversation topic. */
async function renderFragment(id: number): Promise<string> {
  return await MessageAppend({ conversationId: CONVERSATION_ID, message: sampleMessage(id), i18n: translator('es') });
}

interface FanOutServer {
  name: string;
  url: string;
  publish(k: number): Promise<void> | void;
  subscribers(): number;
  stop(): Promise<void> | void;
}

/** Elysia's `.ws` route (as server/routes/live.ts) + the hub; each push renders a real MessageAppend. */
function oursServer(): FanOutServer {
  const hub = createHub();
  const app = new Elysia()
    .ws('/live', {
      open(ws) {
        ws.subscribe(TOPIC);
      },
    })
    .listen({ port: 0, hostname: '127.0.0.1' });
  const server = app.server!;
  hub.attach(server);
  return {
    name: 'render + hub.publish (Elysia ws)',
    url: `ws://127.0.0.1:${server.port}/live`,
    async publish(k) {
      hub.publish(TOPIC, await renderFragment(k));
    },
    subscribers: () => server.subscriberCount(TOPIC),
    stop: async () => void (await app.stop(true)),
  };
}

/** Bun.serve's own WebSocket server publishing one pre-rendered fragment. */
function rawServer(bytes: string): FanOutServer {
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: (request, srv) => (srv.upgrade(request) ? undefined : new Response('upgrade required', { status: 426 })),
    websocket: {
      open(ws) {
        ws.subscribe(TOPIC);
      },
      message() {},
    },
  });
  return {
    name: 'raw server.publish (same bytes)',
    url: `ws://127.0.0.1:${server.port}/live`,
    publish() {
      server.publish(TOPIC, bytes);
    },
    subscribers: () => server.subscriberCount(TOPIC),
    stop: () => server.stop(true),
  };
}

async function untilSubscribed(server: FanOutServer, n: number): Promise<void> {
  // The client sees "open" as soon as the 101 arrives; the server's open handler may run a moment later.
  for (let tries = 0; server.subscribers() < n; tries++) {
    if (tries > 2000) throw new Error(`${server.name}: only ${server.subscribers()} of ${n} sockets subscribed`);
    await Bun.sleep(1);
  }
}

interface FanOutMeasure {
  latencies: number[];
  sequentialSeconds: number;
  burstSeconds: number;
}

/** Sequential: publish, wait until all N have it, repeat (latency to the last receiver). Burst: all rounds back to back. */
async function measure(server: FanOutServer, n: number, rounds: number): Promise<FanOutMeasure> {
  const clients = await spawnWsClients(server.url, n);
  try {
    await untilSubscribed(server, n);
    let k = 0;
    for (let i = 0; i < Math.min(20, rounds); i++) (await server.publish(++k), await clients.reached(k));
    const latencies: number[] = [];
    const sequentialStart = performance.now();
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      await server.publish(++k);
      latencies.push((await clients.reached(k)) - t0);
    }
    const sequentialSeconds = (performance.now() - sequentialStart) / 1000;
    const burstStart = performance.now();
    for (let i = 0; i < rounds; i++) await server.publish(++k);
    const burstSeconds = ((await clients.reached(k)) - burstStart) / 1000;
    return { latencies, sequentialSeconds, burstSeconds };
  } finally {
    await clients.stop();
  }
}

export async function runFanOut(options: ScenarioOptions = {}): Promise<ScenarioResult> {
  const sizes = options.quick ? [50, 200] : [200, 2_000];
  const rounds = options.quick ? 50 : 200;
  const bytes = await renderFragment(1);
  const rows: Record<string, string | number>[] = [];
  const ratios = [];
  for (const n of sizes) {
    const results = [];
    for (const make of [() => rawServer(bytes), oursServer]) {
      const server = make();
      try {
        const m = await measure(server, n, rounds);
        const lat = summarize(m.latencies);
        const sequentialRate = (n * rounds) / m.sequentialSeconds;
        const burstRate = (n * rounds) / m.burstSeconds;
        results.push({ sequentialRate, burstRate });
        rows.push({
          sockets: n,
          server: server.name,
          'p50 ms to last': ms(lat.p50),
          'p99 ms to last': ms(lat.p99),
          'max ms': ms(lat.max),
          'deliveries/s one at a time': count(sequentialRate),
          [`deliveries/s ${rounds} back to back`]: count(burstRate),
        });
      } finally {
        await server.stop();
      }
    }
    const [raw, ours] = results as [{ sequentialRate: number; burstRate: number }, { sequentialRate: number; burstRate: number }];
    ratios.push(atLeast(`${n} sockets, one push at a time: deliveries/s ours / raw`, ours.sequentialRate / raw.sequentialRate, TARGET));
    ratios.push(atLeast(`${n} sockets, ${rounds} pushes back to back: deliveries/s ours / raw`, ours.burstRate / raw.burstRate, TARGET));
  }
  return {
    scenario: 'fan-out',
    rows,
    ratios,
    notes: [
      `The sockets live in a separate process (bench/lib/ws-clients.ts) that reports over IPC when message k has reached all of them; latency runs from before the render to that report, so both servers include the same IPC hop and client-side decoding.`,
      `"Ours" renders a fresh MessageAppend (views/inbox/messages.tsx, ${round(bytes.length / 1024, 2)} KB) for every push and publishes it through server/realtime/hub on an Elysia .ws route; the raw baseline publishes the same pre-rendered bytes from a bare Bun.serve. The pusher's database read of the message row is not included (the page and ingest scenarios measure queries).`,
      `${rounds} measured pushes per configuration after ${Math.min(20, rounds)} warm-up pushes.`,
    ],
  };
}

if (import.meta.main) await scenarioMain('fan-out', runFanOut);
