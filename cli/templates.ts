/**
 * @module cli/templates — `wasap templates sync|list`: the WhatsApp templates recruiters may send once the 24-hour
 * window has closed. `sync` asks the running server to copy its provider's list now (it also does at every start);
 * `list` shows what is stored and what the composer offers, through the server or, when none holds the database,
 * on the database itself.
 */
import type { Command } from 'commander';
import { approvedTemplates, storedTemplates, type TemplateRowView } from '../server/services/templates';
import { adminApi, call, viaServerOrDatabase } from './api';
import { configFrom } from './context';
import type { CliIO } from './io';
import { minuteOf, renderTable } from './table';

interface Listing {
  provider: string;
  templates: TemplateRowView[];
  offered: { ref: string; name: string; source: 'provider' | 'fallback' }[];
}

/** What one row says in the STATUS column: the provider's status, or `withdrawn` once it no longer lists it. */
const statusOf = (row: TemplateRowView) => (row.listed ? row.status : `withdrawn (${row.status})`);

function printListing(io: CliIO, listing: Listing, all: boolean): void {
  const offered = new Set(listing.offered.map((t) => t.ref));
  const rows = listing.templates.filter((row) => all || (row.listed && row.provider === listing.provider));
  if (rows.length > 0) {
    io.out(
      renderTable(
        ['PROVIDER', 'REF', 'NAME', 'LANGUAGE', 'CATEGORY', 'STATUS', 'VARIABLES', 'OFFERED', 'SYNCED'],
        rows.map((r) => [
          r.provider,
          r.ref,
          r.name,
          r.language,
          r.category ?? '-',
          statusOf(r),
          r.variables.join(',') || '-',
          offered.has(r.ref) && r.provider === listing.provider ? 'yes' : 'no',
          minuteOf(r.syncedAt),
        ]),
      ),
    );
  } else io.out(`no templates stored for ${listing.provider}${all ? '' : ' (add --all for withdrawn ones and other providers)'}\n`);
  const fallback = listing.offered.filter((t) => t.source === 'fallback');
  if (fallback.length > 0) io.out(`the composer offers TWILIO_TEMPLATES while ${listing.provider} lists none: ${fallback.map((t) => `${t.name} (${t.ref})`).join(', ')}\n`);
}

export function registerTemplates(program: Command, io: CliIO): void {
  const group = program.command('templates').description('WhatsApp templates recruiters may send once the 24-hour window has closed: sync them from the provider, list them');
  group
    .command('sync')
    .description("copy the provider's templates and their approval status now, through the running server (it also syncs at every start)")
    .action(async function sync() {
      const result = await call('sync', async () => (await adminApi(io)).api.admin.templates.sync.post());
      if (!result.supported) {
        const why = result.provider === 'meta' ? 'set META_WABA_ID (the WhatsApp Business Account id) so templates can be listed from Meta' : 'the composer offers TWILIO_TEMPLATES';
        return io.out(`${result.provider} lists no templates here: ${why}\n`);
      }
      io.out(`synced ${result.provider}: ${result.listed} listed (${result.added} added, ${result.updated} updated, ${result.removed} withdrawn)\n`);
    });
  group
    .command('list')
    .description('the stored templates of the active provider, and which ones the composer offers')
    .option('--all', "include withdrawn templates and other providers' ones")
    .option('--json', 'print JSON')
    .action(async function list(opts: { all?: boolean; json?: boolean }) {
      const listing = await viaServerOrDatabase<Listing>(io, 'wasap templates list', {
        server: (api) => call('list', () => api.api.admin.templates.get()),
        database: async (database) => {
          const config = configFrom(io);
          const provider = { name: config.whatsappProvider };
          const offered = await approvedTemplates(database.db, provider, config.templates);
          return { provider: provider.name, templates: await storedTemplates(database.db), offered: offered.map((t) => ({ ref: t.ref, name: t.name, source: t.source })) };
        },
      });
      if (opts.json) return io.out(`${JSON.stringify(listing, null, 2)}\n`);
      printListing(io, listing, opts.all ?? false);
    });
}
