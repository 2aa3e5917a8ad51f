/** @module views/inbox/composer.test — free text only inside the 24-hour window; templates outside it; everything escaped. */
import { describe, expect, test } from 'bun:test';
import { CannedResponses, CannedSuggestions, Composer, ComposerCount, ComposerPush, TemplatePicker } from './composer';
import { SAMPLE_NOW, sampleOpen } from './fixtures';
import { HOSTILE_TEXT, attributesOf, expectEscapedText, expectInert, parse } from './html-check';
import { translator } from '../i18n';

/** English in UTC: these tests read the second language's words; i18n.test and the browser tests read Spanish. */
const en = translator('en', 'UTC');

const base = { conversationId: 12, csrf: 'tok', templates: sampleOpen.templates, canned: sampleOpen.canned, now: SAMPLE_NOW };
const openWindow = { open: true, closesAt: new Date(SAMPLE_NOW.getTime() + (5 * 60 + 12) * 60_000) };
const closedWindow = { open: false, closesAt: new Date(SAMPLE_NOW.getTime() - 60_000) };

function textareas(html: string) {
  return parse(html).attributes.filter((attribute) => attribute.tag === 'textarea');
}

describe('Composer inside the window', () => {
  const html = String(<Composer i18n={en} {...base} window={openWindow} />);

  test('posts the body to /inbox/<id>/messages with the CSRF field and replaces itself', () => {
    const form = attributesOf(html, 'composer-12');
    expect(form.class).toBe('composer-area');
    expect(html).toContain('hx-post="/inbox/12/messages"');
    expect(html).toContain('hx-target="#composer-12"');
    expect(html).toContain('<input type="hidden" name="_csrf" value="tok"/>');
    expect(attributesOf(html, 'composer-text-12')).toMatchObject({ name: 'body', 'data-enter-sends': '', 'hx-preserve': '' });
  });

  test('shows the time left and reports typing over the socket', () => {
    expect(html).toContain('5 h 12 min');
    expect(html).toContain('data-countdown');
    expect(html).toContain('hx-trigger="input from:#composer-text-12 throttle:3s"');
    expect(html).not.toContain('template-picker');
  });
});

describe('Composer outside the window', () => {
  const html = String(<Composer i18n={en} {...base} window={closedWindow} />);

  test('has no enabled free-text box and shows the template picker posting templateRef', () => {
    expect(textareas(html)).toEqual([]);
    expect(html).toContain('The 24-hour window closed');
    expect(html).toContain('class="template-picker"');
    expect(parse(html).attributes.filter((attribute) => attribute.tag === 'input' && attribute.name === 'name' && attribute.value === 'templateRef')).toHaveLength(2);
    expect(html).toContain('value="HX111"');
    expect(html).not.toContain('name="body"');
  });

  test('each template is its own form: its body as she will read it, an input in each placeholder, her first name filled in', () => {
    const inputs = parse(html).attributes.filter((a) => a.tag === 'input');
    const named = (name: string) => inputs.filter((a) => a.name === 'name' && a.value === name);
    // HX111 greets her ({{1}}: Valentina); HX222 needs a date and a time typed in.
    expect(named('var.1')).toHaveLength(2);
    expect(named('var.2')).toHaveLength(1);
    expect(html).toContain(
      '<span>Hola </span><input type="text" class="template-variable" name="var.1" value="Valentina" size="9" required autocomplete="off" aria-label="Value of 1"/><span>, ¿sigues interesada',
    );
    expect(html).toContain('<span>Te recordamos tu cita el </span><input type="text" class="template-variable" name="var.1" value="" size="8" required');
    expect(parse(html).tags.filter((tag) => tag === 'form')).toHaveLength(2);
    expect(parse(html).attributes.filter((a) => a.tag === 'details' && a.name === 'open')).toHaveLength(1);
  });

  test('a placeholder used twice gets one input; one the body does not show is asked for below it', () => {
    const template = {
      ref: 'HX333',
      name: 'Dos veces',
      language: 'es',
      body: '{{1}}, {{1}}: tu cita',
      variables: [
        { name: '1', value: 'Ana' },
        { name: '2', value: '' },
      ],
    };
    const picker = String(<TemplatePicker i18n={en} conversationId={1} templates={[template]} />);
    expect(parse(picker).attributes.filter((a) => a.tag === 'input' && a.name === 'name' && a.value === 'var.1')).toHaveLength(1);
    expect(picker).toContain('<span class="template-repeat">{{1}}</span>');
    expect(picker).toContain('<fieldset class="template-more"><legend>Other values of the template</legend><input type="text" class="template-variable" name="var.2" value=""');
  });

  test('says so when there is no approved template', () => {
    expect(String(<Composer i18n={en} {...base} templates={[]} window={closedWindow} />)).toContain('No approved templates yet');
  });
});

describe('Composer for an opted-out aspirant', () => {
  test('offers neither text nor templates', () => {
    const html = String(<Composer i18n={en} {...base} window={openWindow} optedOut />);
    expect(html).toContain('opted out');
    expect(textareas(html)).toEqual([]);
    expect(html).not.toContain('templateRef');
  });
});

describe('escaping', () => {
  test('errors, template names and previews, canned titles and bodies are escaped', () => {
    const hostile = { title: HOSTILE_TEXT, body: HOSTILE_TEXT, id: 1 };
    const html = [
      String(<Composer i18n={en} {...base} window={openWindow} canned={[hostile]} error={HOSTILE_TEXT} />),
      String(<TemplatePicker i18n={en} conversationId={1} templates={[{ ref: HOSTILE_TEXT, name: HOSTILE_TEXT, language: HOSTILE_TEXT, body: HOSTILE_TEXT, variables: [] }]} />),
      String(<CannedResponses i18n={en} conversationId={1} canned={[hostile]} />),
      String(<CannedSuggestions i18n={en} conversationId={1} canned={[hostile]} />),
    ].join('');
    expectInert(html);
    expectEscapedText(html);
  });
});

describe('escaping a template', () => {
  test('a hostile body, name or first name stays text; a value in an attribute comes back exactly as it was', () => {
    const template = {
      ref: 'HX1',
      name: HOSTILE_TEXT,
      language: 'es',
      body: `${HOSTILE_TEXT} {{1}} <b>{{2}}</b>`,
      variables: [
        { name: '1', value: HOSTILE_TEXT },
        { name: '2', value: 'R&amp;D "x"' },
      ],
    };
    const html = String(<TemplatePicker i18n={en} conversationId={1} templates={[template]} />);
    expectInert(html);
    expectEscapedText(html);
    expect(html).toContain('&lt;b&gt;');
    const values = parse(html).attributes.filter((a) => a.tag === 'input' && a.name === 'value');
    // Escaped whole (lol-html hands attributes over undecoded): a browser decodes it once, to `<script>` and `&amp;` as typed.
    expect(values.map((a) => a.value)).toEqual(['HX1', HOSTILE_TEXT, 'R&amp;D "x"'].map((text) => Bun.escapeHTML(text)));
    expect(html).not.toContain('value="<script>');
  });
});

describe('the `/` suggestions', () => {
  const html = String(<Composer i18n={en} {...base} window={openWindow} />);
  const options = () => parse(html).attributes.filter((attribute) => attribute.tag === 'li' && attribute.name === 'role' && attribute.value === 'option');

  test('the reply box completes from a listbox of every canned response, hidden until `/` is typed', () => {
    expect(attributesOf(html, 'composer-text-12')).toMatchObject({ 'aria-autocomplete': 'list', 'aria-haspopup': 'listbox', 'aria-controls': 'canned-list-12' });
    // A textarea may carry no role but its own, and aria-expanded is not allowed on a textbox (axe aria-allowed-attr).
    expect(attributesOf(html, 'composer-text-12')).not.toHaveProperty('role');
    expect(attributesOf(html, 'composer-text-12')).not.toHaveProperty('aria-expanded');
    expect(attributesOf(html, 'canned-suggest-12')).toMatchObject({ class: 'canned-suggest', hidden: '' });
    expect(attributesOf(html, 'canned-list-12')).toEqual({ class: 'canned-options', role: 'listbox', id: 'canned-list-12', 'aria-label': 'Canned responses' });
    expect(options()).toHaveLength(sampleOpen.canned.length);
    for (const item of sampleOpen.canned) {
      expect(attributesOf(html, `canned-option-12-${item.id}`)).toEqual({
        class: 'canned-item',
        role: 'option',
        id: `canned-option-12-${item.id}`,
        'aria-selected': 'false',
        'data-canned-text': Bun.escapeHTML(item.body),
      });
    }
    expect(attributesOf(html, 'canned-status-12')).toEqual({ class: 'visually-hidden', role: 'status', id: 'canned-status-12' });
  });

  test('the hint, the no-match note and the `/` hint under the box are in the reader’s language', () => {
    expect(html).toContain('↑ ↓ to choose · Enter or Tab to insert · Esc to close');
    expect(html).toContain('<p class="canned-none" data-canned-none hidden>No canned response matches.</p>');
    expect(html).toContain(' · / canned responses');
    const es = String(<Composer {...base} i18n={translator('es', 'America/Bogota')} window={openWindow} />);
    expect(es).toContain('↑ ↓ para elegir · Enter o Tab para insertar · Esc para cerrar');
    expect(es).toContain('Ninguna respuesta guardada coincide.');
  });

  test('without canned responses there is no list, and the box points at none', () => {
    const none = String(<Composer i18n={en} {...base} canned={[]} window={openWindow} />);
    expect(none).not.toContain('role="listbox"');
    expect(none).not.toContain(' · / canned responses');
    expect(attributesOf(none, 'composer-text-12')).not.toHaveProperty('aria-controls');
    expect(String(<CannedSuggestions i18n={en} conversationId={12} canned={[]} />)).toBe('');
  });

  test('text in an attribute is escaped whole, so `&amp;` typed in a response comes back as typed', () => {
    const tricky = { id: 7, title: 'R&D', body: 'R&D &amp; &copy; "citas" <b>' };
    const attributes = attributesOf(String(<CannedSuggestions i18n={en} conversationId={1} canned={[tricky]} />), 'canned-option-1-7');
    expect(attributes['data-canned-text']).toBe('R&amp;D &amp;amp; &amp;copy; &quot;citas&quot; &lt;b&gt;');
    expect(String(<CannedResponses i18n={en} conversationId={1} canned={[tricky]} />)).toContain('data-canned-body="R&amp;D &amp;amp; &amp;copy; &quot;citas&quot; &lt;b&gt;"');
  });
});

describe('the character counter', () => {
  const es = translator('es', 'America/Bogota');

  test('shows 0/1.600 in the reader’s numbers, is what the box is described by, and carries what inbox.js needs', () => {
    const html = String(<Composer {...base} i18n={es} window={openWindow} />);
    expect(attributesOf(html, 'composer-text-12')['aria-describedby']).toBe('composer-count-12');
    expect(attributesOf(html, 'composer-count-12')).toEqual({
      class: 'composer-count',
      id: 'composer-count-12',
      'data-count-for': 'composer-text-12',
      'data-max': '1600',
      'data-near': '1440',
      'data-locale': 'es-CO',
      'data-template': '{{count}}/{{max}}',
      'data-near-text': 'Cerca del límite de 1.600 caracteres de WhatsApp',
      'data-too-long': 'Demasiado largo para WhatsApp: máximo 1.600 caracteres. Acórtalo para enviarlo.',
    });
    expect(html).toContain('<span data-count>0/1.600</span><span class="visually-hidden"> caracteres</span><span class="visually-hidden" role="status" data-count-status></span>');
    expect(String(<ComposerCount conversationId={1} length={1234} i18n={en} />)).toContain('<span data-count>1,234/1,600</span>');
  });

  test('no maxlength on the box: it counts UTF-16 units and would cut a paste silently', () => {
    expect(attributesOf(String(<Composer {...base} i18n={en} window={openWindow} />), 'composer-text-12')).not.toHaveProperty('maxlength');
  });

  test('warns from 1,440 characters and marks 1,601 as over', () => {
    const state = (length: number) => attributesOf(String(<ComposerCount conversationId={1} length={length} i18n={es} />), 'composer-count-1').class;
    expect([state(1439), state(1440), state(1600), state(1601)]).toEqual(['composer-count', 'composer-count is-near', 'composer-count is-near', 'composer-count is-over']);
  });

  test('a refused draft comes back in the box, escaped and counted in characters (emoji once each)', () => {
    const draft = `<${'😀'.repeat(1600)}`;
    const html = String(<Composer {...base} i18n={es} window={openWindow} draft={draft} error="Demasiado largo" />);
    // The newline after <textarea> is the one the HTML parser drops, so a draft that starts with one keeps it.
    expect(html.includes(`aria-controls="canned-list-12">\n&lt;${'😀'.repeat(1600)}</textarea>`)).toBe(true);
    expect(attributesOf(html, 'composer-text-12')['aria-invalid']).toBe('true');
    expect(html).toContain('<span data-count>1.601/1.600</span>');
  });
});

describe('ComposerPush', () => {
  test('replaces composer-<id> out of band and carries no CSRF token (it goes to many recruiters)', () => {
    const html = String(<ComposerPush i18n={en} conversationId={12} window={closedWindow} templates={base.templates} canned={[]} />);
    expect(attributesOf(html, 'composer-12')['hx-swap-oob']).toBe('true');
    expect(html).not.toContain('_csrf');
  });
});

describe('a window about to close', () => {
  test('within 2 h the chat warns, in the reader’s language, with a live countdown; further off it does not', () => {
    const es = translator('es', 'America/Bogota');
    const closing = { open: true, closesAt: new Date(SAMPLE_NOW.getTime() + 95 * 60_000) };
    const html = String(<Composer {...base} i18n={es} window={closing} />);
    expect(html).toContain('La ventana de 24 horas cierra en 1 h 35 min: después solo se podrán enviar plantillas aprobadas.');
    expect(html).toContain('data-words="closingSoon"');
    expect(String(<Composer {...base} i18n={es} window={openWindow} />)).not.toContain('cierra en');
  });
});
