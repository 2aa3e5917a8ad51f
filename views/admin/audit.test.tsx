/** @module views/admin/audit.test — an entry's details in the admin's words: users by name, statuses and roles by label, codes never. */
import { expect, test } from 'bun:test';
import { translator } from '../i18n';
import { AuditPage, type AuditRow } from './audit';

const entry = (id: number, action: string, details: unknown, actor = 'ana@agency.co'): AuditRow => ({
  id,
  createdAt: new Date(Date.UTC(2026, 11, 1, 3, 5)),
  actor,
  action,
  targetType: 'conversation',
  targetId: '7',
  details,
  ip: null,
});

test('an assignment names both users (or nobody), a status change its labels, the system its name; the first page has no "newest" link', () => {
  const html = String(
    <AuditPage
      i18n={translator('es', 'America/Bogota')}
      entries={[
        entry(3, 'conversation.assigned', { from: null, to: 2 }),
        entry(2, 'conversation.status_changed', { from: 'open', to: 'needs_attention' }),
        entry(1, 'conversation.assigned', { from: 2, to: 99 }, 'system'),
      ]}
      people={new Map([[2, 'Luis <Ortega>']])}
      filters={{}}
      me={{ email: 'ana@agency.co' }}
      csrf="tok"
    />,
  );
  expect(html).toContain('<dt>Antes</dt><dd>Sin asignar</dd><dt>Después</dt><dd>Luis &lt;Ortega&gt;</dd>');
  expect(html).toContain('<dd>Abierta</dd><dt>Después</dt><dd>Requiere atención</dd>');
  // A user since deleted is still told apart.
  expect(html).toContain('<dd>#99</dd>');
  expect(html).toContain('<td>Sistema</td>');
  expect(html).not.toContain('needs_attention');
  expect(html).not.toContain('class="newest"');
  expect(String(<AuditPage i18n={translator('en')} entries={[]} paged filters={{}} me={{ email: 'a@b.co' }} csrf="tok" />)).toContain('class="newest"');
});
