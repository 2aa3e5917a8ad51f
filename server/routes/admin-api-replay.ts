/**
 * @module server/routes/admin-api-replay — `wasap replay` through the running server (the embedded database is
 * held by it): the conversations with recorded events, and one conversation re-run through a bot script in memory
 * (server/services/replay) — nothing is sent or written. The script is the version each conversation ran, a
 * published `name@version`, or a script's text sent by the CLI (validated here as on publish).
 */
import { Elysia, t } from 'elysia';
import { formatProblems, parseScript } from '../../actors/bot/script';
import type { Db } from '../db/client';
import { AppError, BadRequestError } from '../errors';
import { createScriptCache, PINNED_REF } from '../services/bot-scripts';
import { replayableConversations, replayConversation, type ReplayOptions } from '../services/replay';
import { recordRead } from '../privacy/read-audit';
import { unlessErased } from '../privacy/erase-records';
import { adminCaller } from './admin-api';

export interface AdminReplayApiDeps {
  db: Db;
  /** Form-link signing and the agency's name, as the server's own bot uses them (server/config `botSettings`). */
  forms: ReplayOptions['forms'];
  localAdminToken?: string;
}

export function adminReplayApiRoutes(deps: AdminReplayApiDeps) {
  const { db } = deps;
  const scripts = createScriptCache(db);
  return new Elysia({ name: 'admin-api-replay', prefix: '/api/admin' })
    .derive(async ({ headers }) => ({ caller: await adminCaller(deps, headers.authorization) }))
    .get(
      '/replay',
      async ({ query }) => {
        const since = query.since ? new Date(query.since) : undefined;
        // Years 1–9999 only: Postgres refuses what JavaScript dates reach beyond (a 500 otherwise).
        if (since && !(since.getUTCFullYear() >= 1 && since.getUTCFullYear() <= 9999)) throw new BadRequestError('since: a date like 2026-11-01 or 2026-11-01T08:00:00Z', 'since');
        return { conversations: await replayableConversations(db, since) };
      },
      { query: t.Object({ since: t.Optional(t.String({ maxLength: 40 })) }) },
    )
    .post(
      '/replay/:id',
      async ({ params, body, caller }) => {
        let script: ReplayOptions['script'];
        if (body.scriptRef && body.scriptBody !== undefined) throw new BadRequestError('Give scriptRef or scriptBody, not both.', 'scriptRef');
        if (body.scriptRef) script = await scripts.get(body.scriptRef);
        else if (body.scriptBody !== undefined) {
          const parsed = parseScript(body.scriptBody);
          const name = body.scriptName ?? 'script';
          if (!parsed.ok) throw new AppError('SCRIPT_INVALID', 422, `${name} is not valid:\n${formatProblems(parsed.problems, name)}`);
          script = { ref: name, script: parsed.script };
        }
        // An erased conversation is gone (410), not "not found" (server/privacy/erase-records).
        const result = await unlessErased(db, params.id, () => replayConversation(db, params.id, { scripts, forms: deps.forms, script }));
        // The transcript carries what the bot told her (her name among it): a read of her data (server/privacy/read-audit).
        await recordRead(db, { id: null, email: caller.label }, { action: 'conversation.opened', conversationId: params.id, details: { via: 'replay' } });
        return result;
      },
      {
        params: t.Object({ id: t.Numeric({ minimum: 1, maximum: 2_147_483_647, multipleOf: 1 }) }),
        body: t.Object({
          scriptRef: t.Optional(t.String({ pattern: PINNED_REF.source, maxLength: 80 })),
          scriptBody: t.Optional(t.String({ minLength: 1, maxLength: 200_000 })),
          scriptName: t.Optional(t.String({ maxLength: 300 })),
        }),
      },
    );
}
