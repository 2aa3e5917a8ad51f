/**
 * @module cli/requests — `wasap requests list [--all] [--json]`: the data-subject requests (Law 1581 Arts. 14–15)
 * still to be answered, soonest due first, with their due day in Colombian business days and what is late; `--all`
 * adds the last closed ones. Through the running server's admin API or, when none holds the database, on the
 * database itself. Acting on a request is the admin page's (/admin/privacy/requests): it tells her on WhatsApp.
 */
import type { Command } from 'commander';
import { listClosed, listOpen } from '../server/privacy/request-queries';
import { requestView, type RequestView } from '../server/routes/admin-api-requests';
import { call, viaServerOrDatabase } from './api';
import type { CliIO } from './io';
import { minuteOf, renderTable } from './table';

interface Listing {
  open: RequestView[];
  closed: RequestView[];
}

/** What is late or due: OVERDUE, DUE TODAY, TAG BY <day> / TAG OVERDUE for an untagged claim, EXTENDED. */
function flagsOf(row: RequestView): string {
  const flags: string[] = [];
  const open = row.status === 'received' || row.status === 'in_progress';
  if (open && row.overdue) flags.push('OVERDUE');
  else if (open && row.daysLeft <= 0) flags.push('DUE TODAY');
  if (row.tagDueOn) flags.push(row.tagOverdue ? 'TAG OVERDUE' : `TAG BY ${dayOf(row.tagDueOn)}`);
  if (row.extended) flags.push('EXTENDED');
  return flags.join(', ') || '-';
}

/**
 * A calendar day (`YYYY-MM-DD`) as a cell. Through the server it may arrive as a Date (the Eden client turns ISO dates
 * in answers into Dates), which is the UTC midnight of that day; absent is `-`.
 */
function dayOf(value: Date | string | null | undefined): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return value ? String(value) : '-';
}

/** Any value as a cell: a table cell is always a string. */
const text = (value: unknown): string => (value === null || value === undefined || value === '' ? '-' : String(value));

function table(rows: RequestView[], closed: boolean): string {
  const head = ['ID', 'RIGHT', 'CATEGORY', 'STATUS', 'ASPIRANT', 'CHANNEL', 'RECEIVED'];
  const cells = (r: RequestView) => [text(r.id), text(r.right), text(r.category), text(r.status), r.aspirant ? String(r.aspirant) : '(erased)', text(r.channel), minuteOf(r.receivedAt)];
  if (closed)
    return renderTable(
      [...head, 'CLOSED'],
      rows.map((r) => [...cells(r), minuteOf(r.resolvedAt)]),
    );
  return renderTable(
    [...head, 'DUE', 'DAYS LEFT', 'FLAGS'],
    rows.map((r) => [...cells(r), dayOf(r.dueOn), text(r.daysLeft), flagsOf(r)]),
  );
}

export function registerRequests(program: Command, io: CliIO): void {
  const group = program.command('requests').description('data-subject requests (Law 1581): know, proof, rectify, revoke, erase — with their legal due days');
  group
    .command('list')
    .description('open requests, soonest due first (business days left, overdue and "reclamo en trámite" flags)')
    .option('--all', 'also list the last closed requests')
    .option('--json', 'print JSON')
    .action(async function list(opts: { all?: boolean; json?: boolean }) {
      const all = opts.all ?? false;
      const listing = await viaServerOrDatabase<Listing>(io, 'wasap requests list', {
        server: (api) => call('list', () => api.api.admin.privacy.requests.get({ query: { all: all ? 'true' : 'false' } })),
        database: async (database) => {
          const now = new Date();
          return { open: (await listOpen(database.db, { now })).map(requestView), closed: all ? (await listClosed(database.db, { now })).map(requestView) : [] };
        },
      });
      if (opts.json) return io.out(`${JSON.stringify(listing, null, 2)}\n`);
      io.out(listing.open.length > 0 ? table(listing.open, false) : 'no open requests\n');
      if (all) io.out(listing.closed.length > 0 ? `\nclosed:\n${table(listing.closed, true)}` : '\nno closed requests\n');
    });
}
