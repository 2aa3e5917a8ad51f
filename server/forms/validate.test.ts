/** @module server/forms/validate.test — cleaning, every rule, both languages, and the shapes the webhook sends. */
import { describe, expect, test } from 'bun:test';
import { cleanLine, cleanText, formDataInput, initialValues, validateForm } from './validate';

const VALID = {
  firstName: 'Valentina',
  lastName: 'Gómez',
  email: 'vale@example.co',
  location: 'Medellín',
  preferredModelingTypes: ['Runway', 'Fitness'],
  hasKids: 'no',
  consentChildren: 'yes',
  preferredShift: 'morning',
  unavailableShifts: ['evening'],
  notes: 'Mido 1,75 m.\r\nTengo book.',
  birthDate: '1998-05-14',
  consent: 'yes',
};

// A fixed day, so her age never drifts with the calendar: 2026-11-27 at 09:00 in Bogotá.
const NOW = Date.UTC(2026, 10, 27, 14);

describe('validateForm', () => {
  test('a complete form becomes a profile', () => {
    const result = validateForm(VALID, 'es', NOW);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.profile).toEqual({
      firstName: 'Valentina',
      lastName: 'Gómez',
      email: 'vale@example.co',
      location: 'Medellín',
      preferredModelingTypes: ['Runway', 'Fitness'],
      hasKids: false,
      preferredShift: 'morning',
      unavailableShifts: ['evening'],
      notes: 'Mido 1,75 m.\nTengo book.',
      locale: 'es',
      birthDate: '1998-05-14',
      minor: false,
      consent: true,
      sensitiveConsents: ['children'],
    });
  });

  test('an empty form names every required field, in the asked language', () => {
    const es = validateForm({}, 'es');
    const en = validateForm({}, 'en');
    expect(es.ok || en.ok).toBe(false);
    if (es.ok || en.ok) return;
    // The sensitive answers (children, measurements, photos) are optional by law (Law 1581 Art. 6): never required.
    const required = ['firstName', 'lastName', 'location', 'preferredModelingTypes', 'preferredShift', 'birthDate', 'consent'];
    expect(Object.keys(es.errors).sort()).toEqual(required.sort());
    expect(es.errors.firstName).toBe('Escribe tu nombre.');
    expect(en.errors.firstName).toBe('Enter your first name.');
    expect(en.errors.consent).toBe('We need your consent to process your data.');
  });

  test('lengths, email syntax, choices and the shift conflict are checked', () => {
    const result = validateForm(
      {
        ...VALID,
        firstName: 'a'.repeat(81),
        lastName: '12345',
        email: 'vale@@example',
        location: 'x'.repeat(121),
        preferredModelingTypes: 'Runway,Acting',
        hasKids: 'maybe',
        preferredShift: 'night',
        unavailableShifts: 'noon',
        notes: 'n'.repeat(1001),
        locale: 'fr',
      },
      'en',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      firstName: 'Use 80 characters or fewer.',
      lastName: 'Use letters.',
      email: 'Enter a valid email, like name@example.com, or leave it empty.',
      location: 'Use 120 characters or fewer.',
      preferredModelingTypes: 'Choose only options from the list.',
      hasKids: 'Choose only options from the list.',
      preferredShift: 'Choose only options from the list.',
      unavailableShifts: 'Choose only options from the list.',
      notes: 'Use 1000 characters or fewer.',
      locale: 'Unknown language (es or en).',
    });
    const conflict = validateForm({ ...VALID, preferredShift: 'evening' }, 'es');
    expect(conflict.ok ? undefined : conflict.errors).toEqual({ unavailableShifts: 'Tu horario preferido no puede estar entre los horarios en los que no puedes.' });
    for (const email of ['a@b', 'a b@c.co', '@c.co', 'a@-c.co', `${'a'.repeat(65)}@c.co`]) expect(validateForm({ ...VALID, email }, 'es').ok).toBe(false);
    for (const email of ['', 'a.b+tag@sub.example.com.co', "o'neil@x.io"]) expect(validateForm({ ...VALID, email }, 'es').ok).toBe(true);
  });

  test('webhook shapes: booleans, comma lists, sí/si/true, any case; the locale field sets the profile language', () => {
    const result = validateForm(
      { ...VALID, preferredModelingTypes: 'runway, PARTS ,runway', hasKids: 'Sí', consentChildren: true, unavailableShifts: [], consent: 'TRUE', locale: 'en', email: '' },
      'es',
      NOW,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.profile).toMatchObject({ preferredModelingTypes: ['Runway', 'Parts'], hasKids: true, unavailableShifts: [], locale: 'en' });
    expect('email' in result.profile).toBe(false);
    expect(validateForm({ ...VALID, hasKids: false }, 'es').ok).toBe(true);
    expect(validateForm({ ...VALID, birthDate: 'yesterday' }, 'es').ok).toBe(false);
    expect(validateForm({ ...VALID, consent: false }, 'es').ok).toBe(false);
  });

  test('values are kept (cleaned) when invalid, so the form re-renders with them', () => {
    const result = validateForm({ firstName: '  <script>alert(1)</script> ', notes: 'hola\u0000\u202E', preferredModelingTypes: ['Runway'] }, 'es');
    expect(result.ok).toBe(false);
    expect(result.values).toMatchObject({ firstName: '<script>alert(1)</script>', notes: 'hola', preferredModelingTypes: ['Runway'], birthDate: '' });
  });
});

describe('sensitive answers (Law 1581 Art. 6): optional, each under its own box', () => {
  const { hasKids: _kids, consentChildren: _box, ...PLAIN } = VALID;

  test('left out entirely: valid, no sensitive key in the profile, no box ticked', () => {
    const result = validateForm(PLAIN, 'es', NOW);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.profile.sensitiveConsents).toEqual([]);
    expect('hasKids' in result.profile || 'measurements' in result.profile).toBe(false);
    // The form's "prefer not to say" sends an empty value: the same as no answer.
    expect(validateForm({ ...PLAIN, hasKids: '' }, 'es', NOW).ok).toBe(true);
  });

  test('an answer without its box is an error on the box, in her language; nothing is kept', () => {
    const result = validateForm({ ...PLAIN, hasKids: 'yes', heightCm: '172' }, 'en', NOW);
    expect(result.ok ? undefined : result.errors).toEqual({
      consentChildren: 'To keep your answer about children, tick this authorisation, or choose “I prefer not to say”.',
      consentMeasurements: 'To keep your measurements, tick this authorisation, or leave the measurements empty.',
    });
    const es = validateForm({ ...PLAIN, waistCm: 60 }, 'es', NOW);
    expect(es.ok ? undefined : es.errors).toEqual({ consentMeasurements: 'Para guardar tus medidas marca esta autorización, o deja las medidas vacías.' });
  });

  test('with their boxes: whole centimetres within bounds are kept; the boxes ticked are listed', () => {
    const result = validateForm({ ...PLAIN, consentMeasurements: 'on', consentPhotos: 'yes', heightCm: '172', waistCm: 61, hipsCm: '' }, 'es', NOW);
    expect(result.ok && result.profile).toMatchObject({ measurements: { heightCm: 172, waistCm: 61 }, sensitiveConsents: ['photos', 'measurements'] });
    expect(result.ok && 'hasKids' in result.profile).toBe(false);
    // A box ticked with no answer is an authorisation alone (photos come later, on WhatsApp).
    const boxOnly = validateForm({ ...PLAIN, consentChildren: 'yes', consentMeasurements: 'yes' }, 'es', NOW);
    expect(boxOnly.ok && boxOnly.profile).toMatchObject({ sensitiveConsents: ['children', 'measurements'] });
    expect(boxOnly.ok && ('measurements' in boxOnly.profile || 'hasKids' in boxOnly.profile)).toBe(false);
  });

  test('measurements out of bounds, decimals or text are errors on their field', () => {
    const result = validateForm({ ...PLAIN, consentMeasurements: 'yes', heightCm: '1.72', bustCm: '49', waistCm: 'sesenta', hipsCm: '201' }, 'es', NOW);
    expect(result.ok ? undefined : result.errors).toEqual({
      bustCm: 'Escribe centímetros enteros entre 50 y 200, o déjalo vacío.',
      hipsCm: 'Escribe centímetros enteros entre 50 y 200, o déjalo vacío.',
      heightCm: 'Escribe centímetros enteros entre 100 y 230, o déjalo vacío.',
      waistCm: 'Escribe centímetros enteros entre 40 y 200, o déjalo vacío.',
    });
    expect(validateForm({ ...PLAIN, consentChildren: 'yes', hasKids: 'maybe' }, 'en', NOW)).toMatchObject({ ok: false, errors: { hasKids: 'Choose only options from the list.' } });
  });
});

describe('cleaning', () => {
  test('one-line fields fold breaks and spaces; free text keeps line breaks; controls vanish', () => {
    expect(cleanLine(' Ana\n\tMaría\u0007  \u200BRuiz ')).toBe('Ana María Ruiz');
    expect(cleanLine(['first', 'second'])).toBe('first');
    expect(cleanLine({ not: 'text' })).toBe('');
    expect(cleanText('a\r\nb\rc\u0000\u202Ed')).toBe('a\nb\ncd');
    expect(cleanLine('e\u0301')).toBe('é');
  });

  test('lone surrogates (JSON can carry them; Postgres refuses them) become U+FFFD', () => {
    expect(cleanLine('Ana\ud800')).toBe('Ana\ufffd');
    expect(cleanText('\udfffnota')).toBe('\ufffdnota');
    const result = validateForm({ ...VALID, location: 'Medellín \ud83d' }, 'es');
    expect(result.ok && result.profile.location).toBe('Medellín \ufffd');
  });

  test('FormData: repeated names become arrays', () => {
    const data = new URLSearchParams('firstName=Ana&preferredModelingTypes=Runway&preferredModelingTypes=Parts');
    expect(formDataInput(data)).toEqual({ firstName: 'Ana', preferredModelingTypes: ['Runway', 'Parts'] });
  });

  test('FormData: a field named __proto__ is data, not the prototype', () => {
    const input = formDataInput(new URLSearchParams('__proto__=a&__proto__=b&firstName=Ana'));
    expect(Object.keys(input)).toEqual(['__proto__', 'firstName']);
    expect(input.__proto__).toEqual(['a', 'b']);
    expect(Object.getPrototypeOf(input)).toBeNull();
  });

  test('initial values: an earlier profile, else the WhatsApp name; consent is never pre-ticked', () => {
    expect(initialValues('es', { whatsappName: 'María José Gómez Pérez' })).toMatchObject({ firstName: 'María José', lastName: 'Gómez Pérez', consent: false });
    expect(initialValues('en', { whatsappName: 'Vale' })).toMatchObject({ firstName: 'Vale', lastName: '', locale: 'en' });
    const earlier = initialValues('es', { whatsappName: 'x', profile: { firstName: 'Ana', lastName: 'Ruiz', hasKids: false, consent: true, sensitiveConsents: ['children'] } });
    // Her box stays ticked; her answer is never shown again (whoever holds her link must not read it).
    expect(earlier).toMatchObject({ firstName: 'Ana', lastName: 'Ruiz', hasKids: '', consent: false, sensitiveConsents: ['children'], birthDate: '' });
    // The ledger in force decides the boxes: a revoked one comes back unticked.
    expect(initialValues('es', { profile: { sensitiveConsents: ['children', 'photos'] }, authorised: ['children'] })).toMatchObject({ sensitiveConsents: ['children'] });
    // An answer from before the boxes existed is asked afresh, not pre-filled without its authorisation.
    expect(initialValues('es', { profile: { hasKids: true, measurements: { heightCm: 170 } } })).toMatchObject({ hasKids: '', measurements: { heightCm: '' }, sensitiveConsents: [] });
  });
});
