/**
 * @module server/routes/admin-api-requests — data-subject requests through the admin API (`wasap requests list`):
 * `GET /api/admin/privacy/requests` answers the open ones, soonest due first, with their business days left (Law 1581
 * Arts. 14–15), and with `?all=true` the last closed ones too. Behind an API token or the local admin credential.
 */
import { Elysia, t } from 'elysia';
import type { Db } from '../db/client';
import { listClosed, listOpen, type QueueItem } from '../privacy/request-queries';
import { adminCaller } from './admin-api';

export interface AdminRequestsApiDeps {
  db: Db;
  localAdminToken?: string;
  /** The clock (tests move it), milliseconds since the epoch. */
  now?: () => number;
}

/** A request as the API answers it: dates as ISO strings, her name or number as `aspirant`. */
export function requestView(item: QueueItem) {
  return {
    id: item.id,
    right: item.right,
    category: item.category,
    channel: item.channel,
    status: item.status,
    aspirant: item.aspirantName ?? item.aspirantPhone,
    conversationId: item.conversationId,
    receivedAt: item.receivedAt.toISOString(),
    dueOn: item.dueOn,
    extended: item.extended,
    daysLeft: item.daysLeft,
    overdue: item.overdue,
    tagDueOn: item.tagDueOn,
    tagOverdue: item.tagOverdue,
    resolvedAt: item.resolvedAt?.toISOString() ?? null,
  };
}
export type RequestView = ReturnType<typeof requestView>;

export function adminRequestsApiRoutes(deps: AdminRequestsApiDeps) {
  const now = () => new Date((deps.now ?? Date.now)());
  return new Elysia({ name: 'admin-api-requests', prefix: '/api/admin' })
    .derive(async ({ headers }) => ({ caller: await adminCaller(deps, headers.authorization) }))
    .get(
      '/privacy/requests',
      async ({ query }) => ({
        open: (await listOpen(deps.db, { now: now() })).map(requestView),
        closed: query.all === 'true' ? (await listClosed(deps.db, { now: now() })).map(requestView) : [],
      }),
      { query: t.Object({ all: t.Optional(t.UnionEnum(['true', 'false'])) }) },
    );
}
