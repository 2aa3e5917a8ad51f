/** @module bench/actor-memory — heap per idle conversation actor (100,000 in a registry) vs the same states as bare objects in a Map. */
import { heapStats } from 'bun:jsc';
import { initialState } from '../actors/conversation/decide';
import type { ConversationState } from '../actors/conversation/types';
import { createRegistry } from '../actors/runtime/registry';
import { atMost, scenarioMain } from './lib/cli';
import type { ScenarioOptions, ScenarioResult } from './lib/result';
import { bytes, count, round } from './lib/stats';

const TARGET_BYTES = 4 * 1024;
const FIRST_NAMES = ['Valentina', 'Camila', 'Mariana', 'Isabella', 'Daniela', 'Sofía', 'Luciana', 'Gabriela'];

type Kind = 'actors' | 'bare' | 'nothing';

interface ChildReport {
  kind: Kind;
  n: number;
  heapBytes: number;
  rssBytes: number;
  objects: number;
  seconds: number;
}

export function actorKey(i: number): string {
  return `+5730${String(i).padStart(8, '0')}`;
}

/** What the conversation actor's load() builds from its rows: fresh strings and objects per actor, as a real load would. */
export function realisticState(key: string, i: number): ConversationState {
  const state = initialState(key);
  const first = FIRST_NAMES[i % FIRST_NAMES.length]!;
  state.conversationId = 100_000 + i;
  state.aspirantId = 200_000 + i;
  state.script = `intake@${1 + (i % 3)}`;
  state.bot = { step: 'awaiting_form', paused: false, stopped: false, remindersSent: i % 3 };
  state.facts = { locale: 'es', firstName: `${first}${''.padEnd(i % 2)}`.trim(), whatsappName: `${first} ${i % 97}`, hasKids: i % 4 === 0, formSubmitted: false };
  state.status = 'pending_form';
  state.lastInboundAt = 1_760_000_000_000 + i * 1000;
  return state;
}

function settle(): void {
  for (let i = 0; i < 3; i++) Bun.gc(true);
}

async function fillRegistry(n: number) {
  const registry = createRegistry<string, ConversationState, never>(
    {
      load: async (key) => realisticState(key, Number(key.slice(5))),
      handle: async (_key, state) => ({ state }),
    },
    { idleMs: 86_400_000, maxLive: n + 1, sweepEveryMs: 0 },
  );
  for (let start = 0; start < n; start += 1_000) {
    const batch = [];
    for (let i = start; i < Math.min(n, start + 1_000); i++) batch.push(registry.ask(actorKey(i), () => 0));
    await Promise.all(batch);
  }
  const stats = registry.stats();
  if (stats.live !== n || stats.busy !== 0) throw new Error(`expected ${n} idle actors, found ${stats.live} live, ${stats.busy} busy`);
  return registry;
}

function fillMap(n: number): Map<string, ConversationState> {
  const map = new Map<string, ConversationState>();
  for (let i = 0; i < n; i++) {
    const key = actorKey(i);
    map.set(key, realisticState(key, i));
  }
  return map;
}

/** Runs in a fresh process so each measurement starts from the same empty heap. */
async function child(kind: Kind, n: number): Promise<ChildReport> {
  // Load and JIT everything the measured part uses before the "before" snapshot.
  const warm = await fillRegistry(10);
  await warm.drain();
  fillMap(10);
  settle();
  const before = heapStats();
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const kept = kind === 'actors' ? await fillRegistry(n) : kind === 'bare' ? fillMap(n) : undefined;
  const seconds = (performance.now() - started) / 1000;
  settle();
  const after = heapStats();
  const report = { kind, n, heapBytes: after.heapSize - before.heapSize, rssBytes: process.memoryUsage().rss - rssBefore, objects: after.objectCount - before.objectCount, seconds };
  if (kept && 'stats' in kept && kept.stats().live !== n) throw new Error('actors were collected');
  return report;
}

async function measureIn(kind: Kind, n: number): Promise<ChildReport> {
  const proc = Bun.spawn([process.execPath, import.meta.path, '--child', kind, String(n)], { stdout: 'pipe', stderr: 'inherit' });
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  if (code !== 0) throw new Error(`actor-memory child (${kind}) exited ${code}: ${out}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as ChildReport;
}

export async function runActorMemory(options: ScenarioOptions = {}): Promise<ScenarioResult> {
  const n = options.quick ? 20_000 : 100_000;
  const nothing = await measureIn('nothing', n);
  const actors = await measureIn('actors', n);
  const bare = await measureIn('bare', n);
  const perActor = (actors.heapBytes - nothing.heapBytes) / n;
  const perBare = (bare.heapBytes - nothing.heapBytes) / n;
  const row = (name: string, r: ChildReport, per: number) => ({
    what: name,
    count: count(r.n),
    'heap delta': bytes(r.heapBytes),
    'heap per item': bytes(per),
    'objects per item': round((r.objects - nothing.objects) / n, 1),
    'RSS delta': bytes(r.rssBytes),
    'RSS per item': bytes((r.rssBytes - nothing.rssBytes) / n),
    'build s': round(r.seconds, 2),
  });
  return {
    scenario: 'actor-memory',
    rows: [
      row('idle conversation actors (registry)', actors, perActor),
      row('bare state objects in a Map', bare, perBare),
      { what: 'actor overhead (actor − bare)', 'heap per item': bytes(perActor - perBare), 'objects per item': round((actors.objects - bare.objects) / n, 1) },
    ],
    ratios: [
      atMost('heap per idle actor, bytes (state included)', Math.round(perActor), TARGET_BYTES, 'B'),
      { name: 'heap per actor / heap per bare object', value: perActor / perBare, target: 'report', met: true },
    ],
    notes: [
      `Each figure comes from its own fresh process: heapStats().heapSize (bun:jsc) after Bun.gc(true), minus the same measurement of a process that built nothing (${bytes(nothing.heapBytes)} drift).`,
      'Actors are created through createRegistry (actors/runtime) with a load() returning a realistic ConversationState (aspirant and conversation ids, pinned script, bot state, facts) and left idle; the baseline keeps the same states in a Map keyed by the same numbers.',
      'RSS deltas include allocator slack and are indicative only; the target applies to the heap.',
    ],
  };
}

if (import.meta.main) {
  const at = process.argv.indexOf('--child');
  if (at >= 0) {
    const report = await child(process.argv[at + 1] as Kind, Number(process.argv[at + 2]));
    process.stdout.write(`${JSON.stringify(report)}\n`);
    process.exit(0);
  }
  await scenarioMain('actor-memory', runActorMemory);
}
