/** @module server/routes/admin-api — the typed admin API the `wasap` CLI calls through Eden, behind an API token. */
import { Elysia, t } from 'elysia';
import type { Db } from '../db/client';
import { UnauthorizedError } from '../errors';
import { verifyApiToken } from '../services/api-tokens';
import { activateScript, findScript, listScripts, publishScript, refOf, type ScriptRow } from '../services/bot-scripts';
import type { ConversationSystem } from '../conversations/system';
import { listDeadLetters, summarise } from '../conversations/dead-letters';

export interface AdminApiDeps {
  db: Db;
  /** Re-drives dead letters through their actors. */
  conversations: Pick<ConversationSystem, 'retryDeadLetter'>;
}

function summary(row: ScriptRow) {
  return {
    ref: refOf(row),
    name: row.name,
    version: row.version,
    active: row.active,
    checksum: row.checksum,
    author: row.author,
    createdAt: row.createdAt.toISOString(),
    activatedAt: row.activatedAt?.toISOString() ?? null,
  };
}

export function adminApiRoutes(deps: AdminApiDeps) {
  return new Elysia({ name: 'admin-api', prefix: '/api/admin' })
    .resolve(async function requireToken({ headers }) {
      const token = headers.authorization?.replace(/^Bearer\s+/i, '');
      const caller = await verifyApiToken(deps.db, token);
      if (!caller) throw new UnauthorizedError('A valid admin API token is required (create one with `wasap token create`, then set WASAP_API_TOKEN).');
      return { caller };
    })
    .get('/whoami', ({ caller }) => ({ token: caller.name }))
    .get('/bot/scripts', async () => (await listScripts(deps.db)).map(summary))
    .get('/bot/scripts/:ref', async ({ params }) => {
      // Elysia has already percent-decoded the parameter: decoding again turned `%25` into a URIError.
      const row = await findScript(deps.db, params.ref);
      return { ...summary(row), body: row.body };
    })
    .post(
      '/bot/scripts',
      async ({ body, caller }) => {
        const { row, created } = await publishScript(deps.db, body.body, `token:${caller.name}`, body.activate ?? false);
        return { ...summary(row), created };
      },
      { body: t.Object({ body: t.String({ minLength: 1, maxLength: 200_000 }), activate: t.Optional(t.Boolean()) }) },
    )
    .post('/bot/activate', async ({ body, caller }) => summary(await activateScript(deps.db, body.ref, `token:${caller.name}`)), {
      body: t.Object({ ref: t.String({ minLength: 1, maxLength: 80 }) }),
    })
    .get('/dead-letters', async ({ query }) => (await listDeadLetters(deps.db, { all: query.all === 'true' })).map(summarise), {
      query: t.Object({ all: t.Optional(t.UnionEnum(['true', 'false'])) }),
    })
    .post('/dead-letters/:id/retry', ({ params }) => deps.conversations.retryDeadLetter(params.id), {
      params: t.Object({ id: t.Numeric({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, multipleOf: 1 }) }),
    });
}
