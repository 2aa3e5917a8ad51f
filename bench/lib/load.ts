/** @module bench/lib/load — runs the load generator in its own process (so load never shares the server's event loop) and returns its result. */
import { join } from 'node:path';
import type { LoadOptions, LoadResult } from './load-generator';

export type { LoadOptions, LoadResult };

const GENERATOR = join(import.meta.dir, 'load-generator.ts');

export class LoadGeneratorError extends Error {
  readonly code = 'LOAD_GENERATOR_FAILED' as const;
}

/** Spawns `bun bench/lib/load-generator.ts` with the options and parses the one JSON line it prints. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const child = Bun.spawn([process.execPath, GENERATOR, JSON.stringify(options)], { stdout: 'pipe', stderr: 'pipe' });
  const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  const line = out.trim().split('\n').at(-1);
  if (code !== 0 || !line) throw new LoadGeneratorError(`load generator exited ${code}: ${err.trim() || out.trim()}`);
  return JSON.parse(line) as LoadResult;
}
