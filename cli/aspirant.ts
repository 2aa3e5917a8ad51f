/**
 * @module cli/aspirant — one person's data (Law 1581 Arts. 8 and 15), through the running server's admin API:
 * `wasap aspirant show ID|PHONE`, `wasap aspirant export ID|PHONE --out FILE` (a ZIP archive: data.json and her files)
 * and `wasap aspirant erase ID|PHONE`, which asks for her id or phone typed again (`--yes` skips it for scripts; without
 * a terminal and without --yes it refuses). The erasure runs in the server, in her conversation's actor turn.
 */
import { createInterface } from 'node:readline/promises';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ErasureReport } from '../server/privacy/erase';
import { ASPIRANT_REF_PATTERN, confirms, type AspirantSummary } from '../server/privacy/export-lookup';
import { maskPhone } from '../server/whatsapp/phone';
import { adminApi, call, type AdminApi } from './api';
import { CLIError } from './errors';
import { processIO, type CliIO } from './io';
import { printable, renderTable } from './table';

/** A CLI IO that can ask a question: null when nobody can answer (no terminal). Tests give one; the process asks its TTY. */
export interface AskingIO extends CliIO {
  ask?(prompt: string): Promise<string | null>;
}

async function askTerminal(prompt: string): Promise<string | null> {
  if (!process.stdin.isTTY) return null;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(prompt);
  } finally {
    rl.close();
  }
}

/** Only the real process asks its terminal: an IO without `ask` (a test's, a script's) cannot answer. */
const askOf = (io: AskingIO) => io.ask ?? (io === processIO ? askTerminal : async () => null);

async function summaryOf(api: AdminApi, ref: string): Promise<AspirantSummary> {
  if (!new RegExp(ASPIRANT_REF_PATTERN).test(ref)) {
    throw new CLIError(`"${printable(ref)}" names no aspirant`, 2, 'Give her id (a number), her WhatsApp number (+57 300 123 4567) or her BSUID (CO.…).');
  }
  return call(`aspirant ${ref}`, () => api.api.admin.aspirants({ ref }).get()) as Promise<AspirantSummary>;
}

const COUNT_LABELS: [keyof AspirantSummary['counts'], string][] = [
  ['conversations', 'conversations'],
  ['messages', 'messages'],
  ['media', 'files'],
  ['notes', 'notes'],
  ['formSubmissions', 'form submissions'],
  ['consents', 'consent records'],
  ['guardians', 'guardians'],
  ['journalEvents', 'journal events'],
];

function printSummary(io: CliIO, s: AspirantSummary): void {
  const rows = [
    ['id', String(s.id)],
    ['name', s.name ?? '-'],
    ['phone', s.phone ?? '-'],
    ['whatsapp id', s.whatsappId],
    ['e-mail', s.email ?? '-'],
    // Eden hands ISO 8601 strings back as Dates.
    ['since', new Date(s.createdAt).toISOString().slice(0, 16).replace('T', ' ')],
    ['opted out', s.optedOut ? 'yes' : 'no'],
    ...COUNT_LABELS.map(([key, label]) => [label, String(s.counts[key])]),
  ];
  io.out(printable(renderTable(['FIELD', 'VALUE'], rows)));
}

function printReport(io: CliIO, r: ErasureReport): void {
  const parts = [...COUNT_LABELS.map(([key, label]) => `${r[key]} ${label}`), `${r.filesDeleted} stored files deleted`];
  io.out(`erased aspirant ${r.aspirantId}: ${parts.join(', ')}\n`);
  if (!r.complete) io.out(`${r.filesPending} stored file(s) could not be deleted yet: they stay queued and are retried (check the blob store)\n`);
}

/** Asks for her id or phone again; throws unless it names her. */
async function confirmErase(io: AskingIO, s: AspirantSummary): Promise<string> {
  const who = `aspirant ${s.id}${s.phone ? ` (${maskPhone(s.phone)})` : ''}`;
  const typed = await askOf(io)(`This deletes ${who}: ${s.counts.messages} messages, ${s.counts.media} files and her profile, for good.\nType her id (${s.id}) or her phone to confirm: `);
  if (typed === null) throw new CLIError('refusing to erase without confirmation: there is no terminal to ask', 2, 'Run it in a terminal, or add --yes in a script.');
  const answer = typed.trim();
  if (!confirms(s, answer)) throw new CLIError('not erased: what was typed is not her id or phone', 1);
  return answer;
}

export function registerAspirant(program: Command, io: AskingIO): void {
  const group = program.command('aspirant').description("one person's data (Law 1581): show what is held, export it, erase it");
  group
    .command('show <ref>')
    .description('who she is and how much is held (ref: her id, phone or BSUID)')
    .option('--json', 'print JSON')
    .action(async function show(ref: string, opts: { json?: boolean }) {
      const summary = await summaryOf(await adminApi(io), ref);
      if (opts.json) return io.out(`${JSON.stringify(summary, null, 2)}\n`);
      printSummary(io, summary);
    });
  group
    .command('export <ref>')
    .description('write her data as a ZIP archive (data.json and her files under media/); recorded as a read')
    .requiredOption('--out <file>', 'the archive to write, e.g. aspirant-42.zip')
    .action(async function exportArchive(ref: string, opts: { out: string }) {
      const api = await adminApi(io);
      const { id } = await summaryOf(api, ref);
      const bytes = (await call(`export ${ref}`, () => api.api.admin.aspirants({ ref: String(id) }).export.get())) as unknown as ArrayBuffer;
      try {
        await writeFile(opts.out, new Uint8Array(bytes), { mode: 0o600 });
      } catch (error) {
        throw new CLIError(`--out: cannot write ${opts.out} (${(error as Error).message})`, 1);
      }
      io.out(`wrote ${opts.out} (${bytes.byteLength} bytes) with aspirant ${id}'s data\n`);
    });
  group
    .command('erase <ref>')
    .description('delete her profile, messages, forms, notes and files for good; asks for her id or phone again')
    .option('--yes', 'do not ask (scripts)')
    .option('--json', 'print the report as JSON')
    .action(async function erase(ref: string, opts: { yes?: boolean; json?: boolean }) {
      const api = await adminApi(io);
      const summary = await summaryOf(api, ref);
      const confirm = opts.yes ? String(summary.id) : await confirmErase(io, summary);
      const report = (await call(`erase ${ref}`, () => api.api.admin.aspirants({ ref: String(summary.id) }).erase.post({ confirm }))) as ErasureReport;
      if (opts.json) return io.out(`${JSON.stringify(report, null, 2)}\n`);
      printReport(io, report);
      if (!report.complete)
        throw new CLIError(
          `erasure of aspirant ${report.aspirantId} not complete: ${report.filesPending} file(s) still to delete`,
          1,
          'They are retried by every erasure and the daily retention run.',
        );
    });
}
