/** @module views/admin/audit — the latest audit entries, read-only, filtered by action prefix. */
import { Layout } from '../layout';
import { AdminNav } from './nav';

export interface AuditRow {
  id: number;
  createdAt: Date;
  actor: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: unknown;
  ip: string | null;
}

export interface AuditPageProps {
  entries: AuditRow[];
  me: { email: string };
  csrf: string;
  action?: string;
  limit: number;
}

const PREFIXES = ['auth.', 'user.', 'conversation.', 'note.'];

function Entry({ entry }: { entry: AuditRow }) {
  const target = entry.targetType ? `${entry.targetType}${entry.targetId ? ` #${entry.targetId}` : ''}` : '';
  const details = entry.details === null || entry.details === undefined ? '' : JSON.stringify(entry.details);
  return (
    <tr id={`audit-${entry.id}`}>
      <td>
        <time datetime={entry.createdAt.toISOString()} safe>
          {entry.createdAt.toISOString().replace('T', ' ').slice(0, 19)}
        </time>
      </td>
      <td safe>{entry.actor}</td>
      <td safe>{entry.action}</td>
      <td safe>{target}</td>
      <td class="audit-details">
        <code safe>{details}</code>
      </td>
      <td safe>{entry.ip ?? ''}</td>
    </tr>
  );
}

export function AuditPage({ entries, me, csrf, action, limit }: AuditPageProps) {
  return (
    <Layout title="Wasap — Auditoría (Audit log)">
      <link rel="stylesheet" href="/assets/auth.css" />
      <AdminNav current="audit" email={me.email} csrf={csrf} />
      <main class="admin-page">
        <h1>Auditoría (Audit log)</h1>
        <form method="get" action="/admin/audit" class="audit-filter">
          <label>
            Acción empieza por (Action starts with)
            <input name="action" value={action ?? ''} maxlength="60" list="audit-prefixes" placeholder="auth." />
          </label>
          <datalist id="audit-prefixes">
            {PREFIXES.map((prefix) => (
              <option value={prefix} />
            ))}
          </datalist>
          <button type="submit">Filtrar (Filter)</button>
        </form>
        <p class="muted" safe>
          {`Últimas ${limit} entradas (latest ${limit} entries): ${entries.length} mostradas (shown).`}
        </p>
        <table class="admin-table">
          <thead>
            <tr>
              <th>Cuándo (When, UTC)</th>
              <th>Quién (Who)</th>
              <th>Acción (Action)</th>
              <th>Objeto (Target)</th>
              <th>Detalles (Details)</th>
              <th>IP</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <Entry entry={entry} />
            ))}
          </tbody>
        </table>
      </main>
    </Layout>
  );
}
