/**
 * @module server/routes/admin-api — the typed admin API the `wasap` CLI calls through Eden, behind an API token or the
 * local admin credential (server/local-admin): bot scripts and dead letters; users and tokens are in admin-api-access.
 */
import { Elysia, t } from 'elysia';
import type { Db } from '../db/client';
import { ForbiddenError, UnauthorizedError } from '../errors';
import { isFromUrlHost, isLocalAdminToken, LOCAL_ADMIN_PROOF_PATH, proofOf } from '../local-admin';
import { verifyApiToken } from '../services/api-tokens';
import { activateScript, findScript, listScripts, publishScript, refOf, type ScriptRow } from '../services/bot-scripts';
import type { ConversationSystem } from '../conversations/system';
import { listDeadLetters, summarise } from '../conversations/dead-letters';

/** Who called: an API token's name, or `local` for the local admin credential; `label` is what the audit log records. */
export interface AdminCaller {
  name: string;
  label: string;
}

/**
 * The caller of an admin API request from its `Authorization: Bearer …` header. Plugins call it in `derive`, which
 * runs before the body is validated: a caller without a credential learns nothing of the shapes the routes expect.
 * @throws UnauthorizedError (401) when the value is neither a valid API token nor the local admin credential.
 */
export async function adminCaller(deps: { db: Db; localAdminToken?: string }, authorization: string | undefined): Promise<AdminCaller> {
  const token = authorization?.replace(/^Bearer\s+/i, '');
  if (deps.localAdminToken && isLocalAdminToken(deps.localAdminToken, token)) return { name: 'local', label: 'cli (local)' };
  const caller = await verifyApiToken(deps.db, token);
  if (!caller) throw new UnauthorizedError('A valid admin API token is required (create one with `wasap token create`, then set WASAP_API_TOKEN).');
  return { name: caller.name, label: `token:${caller.name}` };
}

export interface AdminApiDeps {
  db: Db;
  /** The running server's local admin credential, accepted like an API token. */
  localAdminToken?: string;
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
    .derive(async ({ headers }) => ({ caller: await adminCaller(deps, headers.authorization) }))
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
        const { row, created } = await publishScript(deps.db, body.body, caller.label, body.activate ?? false);
        return { ...summary(row), created };
      },
      { body: t.Object({ body: t.String({ minLength: 1, maxLength: 200_000 }), activate: t.Optional(t.Boolean()) }) },
    )
    .post('/bot/activate', async ({ body, caller }) => summary(await activateScript(deps.db, body.ref, caller.label)), {
      body: t.Object({ ref: t.String({ minLength: 1, maxLength: 80 }) }),
    })
    .get('/dead-letters', async ({ query }) => (await listDeadLetters(deps.db, { all: query.all === 'true' })).map(summarise), {
      query: t.Object({ all: t.Optional(t.UnionEnum(['true', 'false'])) }),
    })
    .post('/dead-letters/:id/retry', ({ params }) => deps.conversations.retryDeadLetter(params.id), {
      params: t.Object({ id: t.Numeric({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, multipleOf: 1 }) }),
    });
}

/**
 * The unauthenticated route where the server proves to `wasap` on this machine that it holds the local admin
 * credential (server/local-admin): the CLI sends a fresh nonce and checks the HMAC before sending anything.
 */
export function localAdminProofRoutes(credential: { token: string; url(): string | undefined }) {
  return new Elysia({ name: 'local-admin-proof' }).get(
    LOCAL_ADMIN_PROOF_PATH,
    ({ query, request, server }) => {
      // Only to a client on the loopback IP the credential names: a relay on another address learns nothing.
      const url = credential.url();
      if (!url || !isFromUrlHost(url, server?.requestIP(request)?.address)) throw new ForbiddenError('The proof is given on the loopback address the credential names only.');
      return { proof: proofOf(credential.token, query.nonce) };
    },
    { query: t.Object({ nonce: t.String({ minLength: 16, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }) }) },
  );
}
