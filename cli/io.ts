/** @module cli/io — what a command may touch of the outside: output streams, stdin, the environment. */

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  /** Reads a secret: prompted without echo on a terminal, else the first line of stdin. */
  readSecret(prompt: string): Promise<string>;
}

async function readFirstLine(): Promise<string> {
  const text = await new Response(Bun.stdin.stream()).text();
  return text.split(/\r?\n/)[0] ?? '';
}

/** A prompt that does not echo what is typed (raw mode), for interactive use. */
function promptHidden(prompt: string): Promise<string> {
  const { promise, resolve, reject } = Promise.withResolvers<string>();
  const stdin = process.stdin;
  process.stderr.write(prompt);
  let value = '';
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  function finish(error?: Error): void {
    stdin.setRawMode(false);
    stdin.pause();
    stdin.off('data', onData);
    process.stderr.write('\n');
    if (error) reject(error);
    else resolve(value);
  }
  function onData(chunk: string): void {
    for (const ch of chunk) {
      if (ch === '\r' || ch === '\n') return finish();
      if (ch === '\u0003') return finish(new Error('cancelled'));
      if (ch === '\u007f') value = value.slice(0, -1);
      else value += ch;
    }
  }
  stdin.on('data', onData);
  return promise;
}

export const processIO: CliIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  readSecret: (prompt) => (process.stdin.isTTY ? promptHidden(prompt) : readFirstLine()),
};
