/** @module views/form/pages — the aspirant's other pages: thank-you, a link that does not work, too many attempts. */
import type { FormStrings } from './strings';
import { FormShell } from './shell';

/**
 * The page after an accepted form. `photos`: she authorised photos (or her form predates the box), so the next steps say
 * a photo will be asked for on WhatsApp; otherwise they do not (Law 1581 Art. 6: none is asked without her authorisation).
 */
export function ThankYouPage({ s, agencyName, firstName, photos }: { s: FormStrings; agencyName: string; firstName: string; photos: boolean }) {
  const next = [s.thanks.next.received, ...(photos ? [s.thanks.next.photo] : []), s.thanks.next.recruiter];
  return (
    <FormShell title={`${s.thanks.title} — ${agencyName}`} lang={s.lang} agencyName={agencyName}>
      <div class="notice success">
        <div class="notice-icon" aria-hidden="true">
          ✓
        </div>
        <h1 safe>{firstName ? s.thanks.heading(firstName) : s.thanks.title}</h1>
        <ol class="next-steps">
          {next.map((step) => (
            <li safe>{step}</li>
          ))}
        </ol>
        <p class="note" safe>
          {s.thanks.noPromise}
        </p>
        <p class="note" safe>
          {s.thanks.edit}
        </p>
      </div>
    </FormShell>
  );
}

/** An invalid, tampered, unknown or expired link: what to do, and nothing about the link itself. */
export function LinkProblemPage({ s, agencyName, expired }: { s: FormStrings; agencyName: string; expired: boolean }) {
  return (
    <FormShell title={`${s.linkProblem.title} — ${agencyName}`} lang={s.lang} agencyName={agencyName}>
      <div class="notice">
        <div class="notice-icon warn" aria-hidden="true">
          !
        </div>
        <h1 safe>{s.linkProblem.title}</h1>
        <p safe>{expired ? s.linkProblem.expired : s.linkProblem.invalid}</p>
        <p class="action" safe>
          {s.linkProblem.action}
        </p>
      </div>
    </FormShell>
  );
}

export function TooManyPage({ s, agencyName, retryAfterSec }: { s: FormStrings; agencyName: string; retryAfterSec: number }) {
  return (
    <FormShell title={`${s.tooMany.title} — ${agencyName}`} lang={s.lang} agencyName={agencyName}>
      <div class="notice">
        <div class="notice-icon warn" aria-hidden="true">
          …
        </div>
        <h1 safe>{s.tooMany.title}</h1>
        <p safe>{s.tooMany.body(Math.max(1, Math.ceil(retryAfterSec / 60)))}</p>
      </div>
    </FormShell>
  );
}
