#!/usr/bin/env bun
/**
 * @module bench/twilio-send — CPU per outbound send in the server's process: the twilio library over its default
 * HTTP client (axios) and over ours (server/whatsapp/twilio-http, fetch), against a raw `fetch` of the same
 * form-encoded POST as baseline, same run, same answering server (its own process, so its CPU is not counted).
 *
 *   bun bench/twilio-send.ts [--quick]
 */
import twilio from 'twilio';
import { createTwilioSender } from '../server/whatsapp/twilio-sender';
import { rebaseUri } from '../server/whatsapp/twilio-http';
import { scenarioMain } from './lib/cli';
import type { ScenarioOptions, ScenarioResult } from './lib/result';

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const CONCURRENCY = 20;

/** A Twilio-shaped answer to every POST, from a child process; resolves its base URL. */
async function startAnswering(): Promise<{ url: string; stop(): void }> {
  const script = `const s = Bun.serve({ port: 0, async fetch(req) { await req.text(); return Response.json({ sid: 'SM' + crypto.randomUUID().replaceAll('-', ''), status: 'queued' }, { status: 201 }); } }); console.log(s.port);`;
  const proc = Bun.spawn([process.execPath, '-e', script], { stdout: 'pipe', stderr: 'inherit' });
  const reader = proc.stdout.getReader();
  const { value } = await reader.read();
  const port = Number(new TextDecoder().decode(value).trim());
  if (!port) throw new Error('the answering server did not start');
  return { url: `http://127.0.0.1:${port}`, stop: () => proc.kill() };
}

/** Microseconds of this process's CPU per send, `n` sends `CONCURRENCY` at a time, after `n / 4` to warm up. */
async function cpuPerSend(send: (i: number) => Promise<unknown>, n: number): Promise<number> {
  const batch = async (from: number, count: number) => {
    for (let i = 0; i < count; i += CONCURRENCY) await Promise.all(Array.from({ length: CONCURRENCY }, (_, j) => send(from + i + j)));
  };
  await batch(0, n / 4);
  const before = process.cpuUsage();
  await batch(n, n);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

export async function runTwilioSend(options: ScenarioOptions): Promise<ScenarioResult> {
  const n = options.quick ? 1_000 : 8_000;
  const answering = await startAnswering();
  try {
    const messagesUrl = `${answering.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
    const raw = (i: number) =>
      fetch(messagesUrl, {
        method: 'POST',
        headers: { Authorization: `Basic ${btoa(`${ACCOUNT_SID}:token`)}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ To: 'whatsapp:+573001234567', From: 'whatsapp:+14155238886', Body: `Hola ${i}` }),
      }).then((r) => r.json());
    class AxiosRouted extends twilio.RequestClient {
      override request<TData>(opts: Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0] & { data?: TData }) {
        return super.request<TData>({ ...opts, uri: rebaseUri(opts.uri, answering.url) });
      }
    }
    const viaAxios = twilio(ACCOUNT_SID, 'token', { httpClient: new AxiosRouted() });
    const axios = (i: number) => viaAxios.messages.create({ to: 'whatsapp:+573001234567', from: 'whatsapp:+14155238886', body: `Hola ${i}` });
    const sender = createTwilioSender({ accountSid: ACCOUNT_SID, authToken: 'token', from: 'whatsapp:+14155238886', apiUrl: answering.url });
    const ours = (i: number) => sender.send({ to: '+573001234567', body: `Hola ${i}`, idempotencyKey: `k${i}` });
    const rawUs = await cpuPerSend(raw, n);
    const axiosUs = await cpuPerSend(axios, n);
    const oursUs = await cpuPerSend(ours, n);
    const round = (x: number) => Math.round(x * 10) / 10;
    return {
      scenario: 'twilio-send',
      rows: [
        { client: 'raw fetch (baseline)', sends: n, 'cpu µs/send': round(rawUs), '÷ raw': 1 },
        { client: 'twilio + axios (its default)', sends: n, 'cpu µs/send': round(axiosUs), '÷ raw': round(axiosUs / rawUs) },
        { client: 'twilio + fetch (ours)', sends: n, 'cpu µs/send': round(oursUs), '÷ raw': round(oursUs / rawUs) },
      ],
      ratios: [{ name: "our client's CPU per send ÷ twilio's default client's (same run)", value: Math.round((oursUs / axiosUs) * 100) / 100, target: '< 1.0', met: oursUs < axiosUs }],
      notes: [`${CONCURRENCY} sends in flight, to a server in its own process answering as Twilio does (201, JSON); the CPU is this process's only.`],
    };
  } finally {
    answering.stop();
  }
}

if (import.meta.main) await scenarioMain('twilio-send', runTwilioSend);
