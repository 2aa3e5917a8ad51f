/**
 * The live-access sweep's `recheckViewed` reads the assignees of the conversations viewed when it started and judges
 * each socket by what it viewed then: a recruiter who opened another conversation (one she may see) meanwhile keeps
 * it (she was made to leave it: her open conversation stopped updating live).
 */
import { expect, test } from 'bun:test';
import type { Db } from '../db/client';
import { createHub } from './hub';
import { createPresence } from './presence';
import { createSockets, type SocketHandle } from './sockets';

test('a recruiter who opens a conversation she may see while the sweep reads assignees keeps viewing it', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let sweepQuery = false;
  // Conversations 1 and 2 are both unassigned: she may see both.
  const fakeDb = {
    select: () => ({
      from: () => ({
        where: (..._args: unknown[]) => {
          const rows = async () => {
            if (sweepQuery) {
              sweepQuery = false;
              await gate;
              return [{ id: 1, assigneeId: null }];
            }
            return [{ id: 2 }];
          };
          const p = rows();
          return Object.assign(p, { limit: () => p });
        },
      }),
    }),
  } as unknown as Db;
  const sockets = createSockets({ db: fakeDb, presence: createPresence(), hub: createHub() });
  const subscribed = new Set<string>();
  const handle: SocketHandle = { subscribe: (t) => subscribed.add(t), unsubscribe: (t) => subscribed.delete(t), send() {}, close() {} };
  const socket = sockets.open('s1', handle, { id: 7, role: 'recruiter', name: 'Ana' } as never, 'h');
  socket.viewing = 1;

  sweepQuery = true;
  const sweep = sockets.recheckViewed();
  // While the sweep's query is out, she opens conversation 2 (allowed).
  expect(await sockets.view(socket, 2)).toBe(true);
  expect(socket.viewing).toBe(2);
  release();
  await sweep;
  expect(socket.viewing).toBe(2);
});
