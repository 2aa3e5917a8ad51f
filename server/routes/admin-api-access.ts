/**
 * @module server/routes/admin-api-access — users and API tokens through the admin API, so `wasap user …` and
 * `wasap token …` work while the server holds the embedded database (cli/context `viaServerOrDatabase`). The same
 * services as the admin pages and the offline CLI: a disabled user or a changed password signs her out at once.
 * `/status` answers `wasap doctor`'s database questions. Answers are JSON with dates as ISO 8601 strings; refusals are `{ error: { code, message } }` (401, 404, 409, 422).
 */
import { Elysia, t } from 'elysia';
import { ROLES } from '../../actors/vocabulary';
import type { Database, Db } from '../db/client';
import { countUsers } from '../db/queries/users';
import { BadRequestError, NotFoundError } from '../errors';
import { createApiToken, listApiTokens, revokeApiToken, TOKEN_NAME_PATTERN, tokenView } from '../services/api-tokens';
import { addUser, getUsers, setUserDisabled, setUserPassword, setUserPreferences, userView } from '../services/users';
import { setSensitiveAccess } from '../privacy/sensitive-access';
import { adminCaller } from './admin-api';

export interface AdminAccessApiDeps {
  db: Db;
  /** For `/status`: what the database is and which migrations it has (`wasap doctor` through the server). */
  database: Pick<Database, 'describe' | 'migrationStatus'>;
  localAdminToken?: string;
}

const email = t.String({ minLength: 1, maxLength: 320 });
const password = t.String({ minLength: 1, maxLength: 1024 });

/** A user's language and time zone, each optional (checked by services/users: LOCALES, an IANA zone). */
const preferences = { locale: t.Optional(t.String({ maxLength: 10 })), timeZone: t.Optional(t.String({ maxLength: 64 })) };

export function adminAccessApiRoutes(deps: AdminAccessApiDeps) {
  const { db } = deps;
  return (
    new Elysia({ name: 'admin-api-access', prefix: '/api/admin' })
      .derive(async ({ headers }) => ({ caller: await adminCaller(deps, headers.authorization) }))
      .get('/status', async () => ({ database: deps.database.describe, migrations: await deps.database.migrationStatus(), users: await countUsers(db) }))
      .get('/users', async () => (await getUsers(db)).map(userView))
      .post('/users', async ({ body, caller }) => userView(await addUser(db, { label: caller.label }, body)), {
        body: t.Object({ email, name: t.String({ maxLength: 200 }), role: t.UnionEnum([...ROLES]), password, ...preferences }),
      })
      .post('/users/preferences', async ({ body, caller }) => userView(await setUserPreferences(db, { label: caller.label }, body.email, body)), {
        body: t.Object({ email, ...preferences }),
      })
      .post('/users/disabled', async ({ body, caller }) => userView(await setUserDisabled(db, { label: caller.label }, body.email, body.disabled)), {
        body: t.Object({ email, disabled: t.Boolean() }),
      })
      .post('/users/password', async ({ body, caller }) => userView(await setUserPassword(db, { label: caller.label }, body.email, body.password)), {
        body: t.Object({ email, password }),
      })
      // Sensitive-data access (Law 1581 Art. 6): `{ email, access: true|false }`, answered with the user and her access.
      .post('/users/sensitive', async ({ body, caller }) => userView(await setSensitiveAccess(db, { label: caller.label }, body.email, body.access)), {
        body: t.Object({ email, access: t.Boolean() }),
      })
      .get('/tokens', async () => (await listApiTokens(db)).map(tokenView))
      .post(
        '/tokens',
        ({ body, caller }) => {
          const name = body.name.trim();
          if (!TOKEN_NAME_PATTERN.test(name)) throw new BadRequestError('The name must have 1 to 60 letters, digits, spaces, . @ _ or -.', 'name');
          return createApiToken(db, name, caller.label);
        },
        { body: t.Object({ name: t.String({ maxLength: 200 }) }) },
      )
      .post(
        '/tokens/:id/revoke',
        async ({ params, caller }) => {
          if (!(await revokeApiToken(db, params.id, caller.label))) throw new NotFoundError(`An active token ${params.id}`);
          return { id: params.id, revoked: true };
        },
        { params: t.Object({ id: t.Numeric({ minimum: 1, maximum: 2_147_483_647, multipleOf: 1 }) }) },
      )
  );
}
