/** @module bench/lib/ingest-report — table rows, ratios and a plain-text table for the ingest scenario. */
import type { Ratio, ScenarioResult } from './result';
import type { PhaseReport } from './ingest-load';
import type { StepResult } from './ingest-steps';

export function row(driver: string, label: string, conversations: number, phase: PhaseReport, step: StepResult): Record<string, string | number> {
  return {
    driver,
    run: label,
    N: conversations,
    'target/s': phase.target,
    'sent/s': phase.achievedRate,
    'done/s': phase.processedRate,
    sent: phase.sent,
    failed: phase.failed,
    'late>1s': phase.late,
    lost: phase.sent - phase.delivered,
    unsent: step.outboxBacklog ?? 0,
    'hook p50': phase.webhookMs.p50,
    'hook p99': phase.webhookMs.p99,
    'hook max': phase.webhookMs.max,
    'e2e p50': phase.e2eMs.p50,
    'e2e p99': phase.e2eMs.p99,
    'e2e p99.9': phase.e2eMs.p999,
    'e2e max': phase.e2eMs.max,
    'cpu srv': step.cpu.server,
    'cpu pg': step.cpu.postgres,
    'cpu all': step.cpu.machine,
  };
}

export function ratio(name: string, value: number, target: string, met: boolean): Ratio {
  return { name, value: Math.round(value * 100) / 100, target, met };
}

export function formatTable(rows: Record<string, string | number>[]): string {
  if (rows.length === 0) return '(no rows)';
  const headers = Object.keys(rows[0]!);
  const widths = headers.map((h) => Math.max(h.length, ...rows.map((r) => String(r[h] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(headers.map((h) => String(r[h] ?? ''))))].join('\n');
}

export function formatResult(result: ScenarioResult): string {
  const ratios = result.ratios.map((r) => `  ${r.met ? 'MET ' : 'MISS'} ${r.name}: ${r.value} (target ${r.target})`);
  return [`== ${result.scenario} ==`, formatTable(result.rows), '', ...ratios, '', ...result.notes.map((n) => `- ${n}`)].join('\n');
}
