/**
 * @module views/form/privacy — the privacy notice page (/privacy; Colombia's Law 1581 Art. 12, Decree 1377 Arts. 13–15),
 * linked from the form when PRIVACY_POLICY_URL is unset: the version in force (server/privacy/notices), so the text she
 * reads is the one whose version and sha256 the consent ledger records. NOTICES is version 1's wording as view strings.
 */
import type { Locale } from '../../actors/vocabulary';
import { attr, FormShell } from './shell';
import { RightsLink } from '../privacy/requests-public';

export interface PrivacyPageProps {
  locale: Locale;
  agencyName: string;
  /** The agency's WhatsApp number (E.164), when known. */
  whatsappNumber?: string;
  /** The notice in force: plain text, blank lines between paragraphs, `# ` starts a heading, `{agencyName}` filled here. */
  notice: { version: number; title: string; body: string };
}

export interface Notice {
  title: string;
  switchLabel: string;
  intro: (agency: string) => string;
  sections: { heading: string; body: string[] }[];
  contact: (number?: string) => string;
  /** "Version N", under the title: the number a consent points to. */
  version: (n: number) => string;
}

export const NOTICES: Record<Locale, Notice> = {
  es: {
    title: 'Aviso de privacidad',
    switchLabel: 'English',
    intro: (agency) => `${agency} es responsable del tratamiento de los datos personales que nos das por WhatsApp y en el formulario de inscripción.`,
    sections: [
      {
        heading: 'Qué datos recogemos',
        body: [
          'Tu número y nombre de WhatsApp, los mensajes y fotos que nos envías, y lo que escribes en el formulario: nombre, apellidos, correo, ciudad, tipos de modelaje, si tienes hijos, horarios y notas.',
        ],
      },
      {
        heading: 'Para qué los usamos',
        body: [
          'Solo para el proceso de reclutamiento: conocer tu perfil, contactarte y proponerte oportunidades que encajen contigo. No vendemos tus datos.',
          'Los guardamos mientras dure el proceso o hasta que nos pidas borrarlos.',
        ],
      },
      {
        heading: 'Tus derechos (Ley 1581 de 2012)',
        body: [
          'Puedes conocer, actualizar y rectificar tus datos, pedir prueba de tu autorización, saber cómo los usamos, revocar la autorización y pedir que los borremos.',
          'También puedes presentar quejas ante la Superintendencia de Industria y Comercio.',
        ],
      },
    ],
    contact: (number) =>
      number ? `Para ejercer tus derechos, escríbenos por WhatsApp al ${number}.` : 'Para ejercer tus derechos, escríbenos por WhatsApp al mismo número con el que has hablado con nosotros.',
    version: (n) => `Versión ${n}`,
  },
  en: {
    title: 'Privacy notice',
    switchLabel: 'Español',
    intro: (agency) => `${agency} is responsible for the personal data you give us on WhatsApp and in the sign-up form.`,
    sections: [
      {
        heading: 'What we collect',
        body: [
          'Your WhatsApp number and name, the messages and photos you send us, and what you write in the form: first and last name, email, city, modeling types, whether you have children, shifts and notes.',
        ],
      },
      {
        heading: 'What we use it for',
        body: [
          'Only for recruitment: getting to know your profile, contacting you and offering you opportunities that fit you. We do not sell your data.',
          'We keep it while your application is open or until you ask us to delete it.',
        ],
      },
      {
        heading: 'Your rights (Colombia’s Law 1581 of 2012)',
        body: [
          'You can know, update and correct your data, ask for proof of your consent, learn how we use it, withdraw your consent and ask us to delete it.',
          'You can also complain to the Superintendence of Industry and Commerce (SIC).',
        ],
      },
    ],
    contact: (number) => (number ? `To exercise your rights, write to us on WhatsApp at ${number}.` : 'To exercise your rights, write to us on WhatsApp at the same number you have been talking to.'),
    version: (n) => `Version ${n}`,
  },
};

/** The notice's text as blocks: `# ` lines are headings, other blocks paragraphs (line breaks inside kept as spaces). */
function blocks(body: string): { heading: boolean; text: string }[] {
  return body
    .split(/\n\s*\n/)
    .map((block) => block.trim().replace(/\s*\n\s*/g, ' '))
    .filter(Boolean)
    .map((block) => (block.startsWith('# ') ? { heading: true, text: block.slice(2).trim() } : { heading: false, text: block }));
}

export function PrivacyPage({ locale, agencyName, whatsappNumber, notice }: PrivacyPageProps) {
  const n = NOTICES[locale];
  const other = locale === 'es' ? 'en' : 'es';
  const fill = (text: string) => text.replaceAll('{agencyName}', agencyName);
  return (
    <FormShell title={`${fill(notice.title)} — ${agencyName}`} lang={locale} agencyName={agencyName}>
      <div class="lang-switch">
        <a href={attr(`/privacy?lang=${other}`)} hreflang={other} lang={other} safe>
          {n.switchLabel}
        </a>
      </div>
      <article class="prose">
        <h1 safe>{fill(notice.title)}</h1>
        <p class="note" safe>
          {n.version(notice.version)}
        </p>
        {blocks(fill(notice.body)).map((block) => (block.heading ? <h2 safe>{block.text}</h2> : <p safe>{block.text}</p>))}
        {whatsappNumber ? (
          <p class="action" safe>
            {n.contact(whatsappNumber)}
          </p>
        ) : (
          ''
        )}
        <RightsLink locale={locale} />
      </article>
    </FormShell>
  );
}
