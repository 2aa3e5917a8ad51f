/** @module views/inbox/aspirant-identity.test — her WhatsApp identity in the panel: a call link for a number, her username and BSUID otherwise, escaped. */
import { describe, expect, test } from 'bun:test';
import { translator } from '../i18n';
import { AspirantPanel } from './aspirant-panel';
import { sampleOpen } from './fixtures';
import { HOSTILE_TEXT, expectEscapedText, expectInert } from './html-check';
import type { AspirantPanelView } from './types';

const es = translator('es', 'UTC');
const B = 'CO.1502576394655843';
const { phone: _phone, ...withoutNumber } = sampleOpen.conversation;

describe('her WhatsApp identity in the panel', () => {
  test('with a number: a call link under her name and in the list, with her username and BSUID', () => {
    const html = String(<AspirantPanel i18n={es} view={sampleOpen.conversation} />);
    expect(html).toContain('<p><a href="tel:+573001234567">+573001234567</a></p>');
    expect(html).toContain('<dt>Teléfono</dt><dd><a href="tel:+573001234567">+573001234567</a></dd>');
    expect(html).toContain('<dt>Usuario</dt><dd>@vale.gomez</dd>');
    expect(html).toContain(`<dd><code>${B}</code></dd>`);
    expect(html).not.toContain('Oculto');
  });

  test('without one: her username where the number was, the number said to be hidden, no call link; shown once when it is also her name', () => {
    const view: AspirantPanelView = { ...withoutNumber, contact: '@vale.gomez' };
    const html = String(<AspirantPanel i18n={es} view={view} />);
    expect(html).toContain('<p class="contact">@vale.gomez</p>');
    expect(html).toContain('<dt>Teléfono</dt><dd class="muted">Oculto</dd>');
    expect(html).not.toContain('tel:');
    const nameless = String(<AspirantPanel i18n={es} view={{ ...view, whatsappName: undefined, profile: undefined }} />);
    expect(nameless).toContain('<h2>@vale.gomez</h2>');
    expect(nameless).not.toContain('<p class="contact">');
  });

  test('a username and BSUID are escaped (they come from the provider)', () => {
    const html = String(<AspirantPanel i18n={es} view={{ ...withoutNumber, contact: HOSTILE_TEXT, username: HOSTILE_TEXT, bsuid: HOSTILE_TEXT }} />);
    expectEscapedText(html);
    expectInert(html);
  });
});
