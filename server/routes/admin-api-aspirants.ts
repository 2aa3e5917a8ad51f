/**
 * @module server/routes/admin-api-aspirants — one person's data through the admin API (`wasap aspirant …`, Law 1581
 * Arts. 8 and 15): `GET /api/admin/aspirants/:ref` (who and how much is held), `GET …/:ref/export` (her ZIP archive,
 * as application/octet-stream, recorded as a read and in the audit log) and `POST /api/admin/aspirants/:id/erase` with
 * `{ confirm }` — her id or phone typed again — answering what was deleted, by count. Behind an API token or the
 * local admin credential; `:ref` is an id, a phone or a BSUID (server/privacy/export-lookup).
 */
import { Elysia, t } from 'elysia';
import type { Config } from '../config';
import type { Db } from '../db/client';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { eraseAspirant, erasureDeps } from '../privacy/erase';
import { exportAspirant } from '../privacy/export';
import { ASPIRANT_REF_PATTERN, confirms, findAspirant, parseAspirantRef } from '../privacy/export-lookup';
import type { Services } from '../wiring';
import { adminCaller } from './admin-api';

export interface AdminAspirantsApiDeps {
  config: Config;
  db: Db;
  logger: Logger;
  services: Pick<Services, 'blobs' | 'conversations'>;
  localAdminToken?: string;
  now?: () => number;
}

const refParams = t.Object({ ref: t.String({ minLength: 1, maxLength: 80, pattern: ASPIRANT_REF_PATTERN }) });

export function adminAspirantsApiRoutes(deps: AdminAspirantsApiDeps) {
  const { db } = deps;
  const erasure = erasureDeps(deps.config, db, deps.services, deps.logger);
  return new Elysia({ name: 'admin-api-aspirants', prefix: '/api/admin/aspirants' })
    .derive(async ({ headers }) => ({ caller: await adminCaller(deps, headers.authorization) }))
    .get('/:ref', ({ params }) => findAspirant(db, parseAspirantRef(params.ref)), { params: refParams })
    .get(
      '/:ref/export',
      async function exportArchive({ params, caller }) {
        const { id } = await findAspirant(db, parseAspirantRef(params.ref));
        const archive = await exportAspirant({ db, blobs: deps.services.blobs, logger: deps.logger, now: deps.now }, id, { reader: { id: null, email: caller.label } });
        // octet-stream: the CLI's Eden client hands it back as bytes (it reads other types as text).
        return new Response(archive.stream, {
          headers: { 'content-type': 'application/octet-stream', 'content-disposition': `attachment; filename="${archive.filename}"`, 'cache-control': 'no-store' },
        });
      },
      { params: refParams },
    )
    .post(
      '/:ref/erase',
      async function erase({ params, body, caller }) {
        const summary = await findAspirant(db, { id: Number(params.ref) });
        if (!confirms(summary, body.confirm)) throw new AppError('CONFIRMATION_MISMATCH', 422, `Type aspirant ${summary.id}'s id or phone in "confirm" to erase her.`);
        return eraseAspirant(erasure, summary.id, { actor: { label: caller.label }, reason: 'request', requestId: body.requestId });
      },
      {
        // Her id only: the CLI and the page name her by what `GET /:ref` answered, so the wrong person is never erased by a number.
        params: t.Object({ ref: t.String({ minLength: 1, maxLength: 9, pattern: '^[1-9]\\d{0,8}$' }) }),
        body: t.Object({ confirm: t.String({ minLength: 1, maxLength: 80 }), requestId: t.Optional(t.Integer({ minimum: 1, maximum: 2_147_483_647 })) }),
      },
    );
}
