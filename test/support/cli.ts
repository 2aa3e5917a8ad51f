/** @module test/support/cli — runs `wasap` in-process through run(argv) with captured output and a given stdin. */
import { run } from '../../cli/main';
import type { CliIO } from '../../cli/io';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function wasap(argv: string[], env: Record<string, string>, stdin = ''): Promise<CliResult> {
  let out = '';
  let err = '';
  const io: CliIO = {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    env: { LOG_LEVEL: 'silent', ...env },
    readSecret: async () => stdin.split(/\r?\n/)[0] ?? '',
  };
  const code = await run(argv, io);
  return { code, out, err };
}
