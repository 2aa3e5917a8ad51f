/** @module test/server-process.test — the real process: start with no configuration, persist, stop cleanly under load. */
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnBun, startServerProcess } from './support/process';
import { tempDir } from './support/temp';

describe('server process', () => {
  test('serves /healthz and /readyz with no configuration, and keeps its data across a restart', async () => {
    using data = tempDir();
    const env = { WASAP_DATA_DIR: data.path };
    {
      await using server = await startServerProcess(env);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      expect(server.lines.some((l) => l.includes('no users yet'))).toBe(true);
      // The first start says what takes its time before it starts, and ends with the address to open.
      const at = (text: string) => server.lines.findIndex((l) => l.includes(text));
      expect(at('first start: creating the embedded database')).toBeGreaterThanOrEqual(0);
      expect(at('first start: creating the embedded database')).toBeLessThan(at('"msg":"listening"'));
      expect(await server.waitForLine((l) => l.includes('ready: open'))).toContain(`ready: open ${server.url}`);
      // With no Twilio settings the simulator's phone is served.
      const phone = await fetch(`${server.url}/dev/phone`);
      expect(phone.status).toBe(200);
      expect(await phone.text()).toContain('Phone simulator');
      expect(await server.stop()).toBe(0);
    }
    const secret = readFileSync(join(data.path, 'secret'), 'utf8');
    const add = spawnBun(['cli/main.ts', 'user', 'add', '--email', 'boss@agency.co', '--name', 'Boss', '--role', 'admin'], env);
    // The CLI reads the password from stdin when it is not a terminal; here stdin is empty → refused clearly.
    expect(await add.exited).toBe(2);
    expect(add.lines.join('\n')).toContain('no password given');
    const piped = Bun.spawn([process.execPath, 'cli/main.ts', 'user', 'add', '--email', 'boss@agency.co', '--name', 'Boss', '--role', 'admin'], {
      cwd: join(import.meta.dir, '..'),
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
      stdin: new TextEncoder().encode('a long secret password\n'),
      stdout: 'pipe',
      stderr: 'pipe',
    });
    expect(await piped.exited).toBe(0);
    const output = (await new Response(piped.stdout).text()) + (await new Response(piped.stderr).text());
    expect(output).toContain('created admin boss@agency.co');
    expect(output).not.toContain('a long secret password');
    {
      await using server = await startServerProcess(env);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      expect(server.lines.some((l) => l.includes('no users yet'))).toBe(false);
      expect(server.lines.some((l) => l.includes('starting: opening the embedded database'))).toBe(true);
      expect(server.lines.join('\n')).not.toContain('a long secret password');
      expect(await server.stop()).toBe(0);
    }
    expect(readFileSync(join(data.path, 'secret'), 'utf8')).toBe(secret);
  });

  test('SIGTERM during load stops within the deadline, answers what it accepted, logs no error', async () => {
    using data = tempDir();
    await using server = await startServerProcess({ WASAP_DATA_DIR: data.path });
    const results = Array.from({ length: 300 }, () =>
      fetch(`${server.url}/readyz`).then(
        (r) => r.status,
        () => 'refused' as const,
      ),
    );
    // Wait until the server has answered some of them, then stop it while the rest are in flight.
    await server.waitForLine((l) => l.includes('"route":"/readyz"'));
    const begun = performance.now();
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(performance.now() - begun).toBeLessThan(10_000);
    const statuses = await Promise.all(results);
    // Every request got a real answer (200, or 503 once draining began) or was refused at the socket; none failed with 500.
    expect(statuses.filter((s) => s !== 200 && s !== 503 && s !== 'refused')).toEqual([]);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(server.lines.filter((l) => l.includes('"level":"error"'))).toEqual([]);
    expect(server.lines.at(-1)).toContain('"msg":"stopped"');
  });

  test('PORT=abc exits 2 with one line naming PORT', async () => {
    const child = spawnBun(['server/main.ts'], { PORT: 'abc' });
    expect(await child.exited).toBe(2);
    expect(child.lines.filter((l) => l.trim() !== '')).toEqual(['wasap: configuration error: PORT: expected an integer from 0 to 65535, got "abc"']);
  });
});
