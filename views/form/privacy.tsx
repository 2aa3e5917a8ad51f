/** @module views/form/privacy — a short generic privacy notice (Colombia's Law 1581), used when PRIVACY_POLICY_URL is unset. */
import type { Locale } from '../../actors/vocabulary';
import { attr, FormShell } from './shell';
import { RightsLink } from '../privacy/requests-public';

export interface PrivacyPageProps {
  locale: Locale;
  agencyName: string;
  /** The agency's WhatsApp number (E.164), when known. */
  whatsappNumber?: string;
}

export interface Notice {
  title: string;
  switchLabel: string;
  intro: (agency: string) => string;
  sections: { heading: string; body: string[] }[];
  contact: (number?: string) => string;
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
  },
};

export function PrivacyPage({ locale, agencyName, whatsappNumber }: PrivacyPageProps) {
  const n = NOTICES[locale];
  const other = locale === 'es' ? 'en' : 'es';
  return (
    <FormShell title={`${n.title} — ${agencyName}`} lang={locale} agencyName={agencyName}>
      <div class="lang-switch">
        <a href={attr(`/privacy?lang=${other}`)} hreflang={other} lang={other} safe>
          {n.switchLabel}
        </a>
      </div>
      <article class="prose">
        <h1 safe>{n.title}</h1>
        <p class="lead" safe>
          {n.intro(agencyName)}
        </p>
        {n.sections.map((section) => (
          <section>
            <h2 safe>{section.heading}</h2>
            {section.body.map((paragraph) => (
              <p safe>{paragraph}</p>
            ))}
          </section>
        ))}
        <p class="action" safe>
          {n.contact(whatsappNumber)}
        </p>
        <RightsLink locale={locale} />
      </article>
    </FormShell>
  );
}
