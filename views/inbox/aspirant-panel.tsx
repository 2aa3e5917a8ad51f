/** @module views/inbox/aspirant-panel — the right pane: who the aspirant is, what the form said, bot, status, assignee, notes, history. */
import type { Children } from '@kitajs/html';
import { ContactLine, IdentityFacts } from './aspirant-identity';
import { Avatar } from './conversation-list';
import { CsrfField } from './csrf-field';
import { UpsertPush } from './oob';
import type { Translator } from '../i18n';
import { STATUSES, shiftLabel, statusLabel } from './format';
import type { AspirantPanelView, ConversationStatus, EventView, NoteView, PersonRef, ProfileView } from './types';
import { SensitivePlaceholder } from '../privacy/consent-sensitive';
import { PrivacySections } from '../privacy/panel-sections';

interface PanelFormProps {
  conversationId: number;
  i18n: Translator;
  csrf?: string;
}

/** Every panel form answers with a fresh <AspirantPanel>, swapped over the panel (the push does the same for others). */
function panelTarget(conversationId: number) {
  return { 'hx-target': `#aspirant-${conversationId}`, 'hx-swap': 'outerHTML' };
}

/** A select that saves on change (htmx) or with its button (no JavaScript): the shape of the status and assignee forms. */
function PanelSelect(props: PanelFormProps & { path: string; idPrefix: string; label: string; name: string; children: Children }) {
  const { conversationId, csrf, path, idPrefix, label, name, children, i18n } = props;
  const action = `/inbox/${conversationId}/${path}`;
  return (
    <form class="field" method="post" action={action} hx-post={action} hx-trigger="change" {...panelTarget(conversationId)}>
      <CsrfField csrf={csrf} />
      <label for={`${idPrefix}-${conversationId}`} safe>
        {label}
      </label>
      <select id={`${idPrefix}-${conversationId}`} name={name}>
        {children}
      </select>
      <noscript>
        <button type="submit" safe>
          {i18n.t('inbox.panel.save')}
        </button>
      </noscript>
    </form>
  );
}

export function StatusSelector({ conversationId, csrf, status, i18n }: PanelFormProps & { status: ConversationStatus }) {
  return (
    <PanelSelect conversationId={conversationId} csrf={csrf} i18n={i18n} path="status" idPrefix="status" label={i18n.t('inbox.panel.status')} name="status">
      {STATUSES.map((value) => (
        <option value={value} selected={value === status} safe>
          {statusLabel(value, i18n)}
        </option>
      ))}
    </PanelSelect>
  );
}

export function AssigneeSelector({ conversationId, csrf, assignee, recruiters, i18n }: PanelFormProps & { assignee?: PersonRef; recruiters: PersonRef[] }) {
  return (
    <PanelSelect conversationId={conversationId} csrf={csrf} i18n={i18n} path="assign" idPrefix="assignee" label={i18n.t('inbox.panel.assignee')} name="assigneeId">
      <option value="" selected={!assignee} safe>
        {i18n.t('inbox.panel.unassigned')}
      </option>
      {recruiters.map((person) => (
        <option value={String(person.id)} selected={person.id === assignee?.id} safe>
          {person.name}
        </option>
      ))}
    </PanelSelect>
  );
}

/**
 * A bot step in the reader's language: the shipped intake script's steps (actors/bot/scripts/intake.yaml) have names
 * in the catalogue; another script's own step is shown as its author wrote it, underscores as spaces.
 */
export function stepLabel(step: string, i18n: Translator): string {
  const steps: Record<string, string> = i18n.messages.inbox.steps;
  return Object.hasOwn(steps, step) ? steps[step]! : step.replaceAll('_', ' ');
}

export function BotControls({ conversationId, csrf, bot, i18n }: PanelFormProps & { bot: AspirantPanelView['bot'] }) {
  const action = `/inbox/${conversationId}/bot/resume`;
  const { t } = i18n;
  return (
    <div class="bot">
      <p class="bot-state">
        <span class={bot.paused ? 'dot dot-paused' : 'dot dot-running'} aria-hidden="true"></span>
        <strong safe>{bot.paused ? t('inbox.panel.botPaused') : t('inbox.panel.botRunning')}</strong>
        {bot.step ? (
          <span class="muted" safe>
            {t('inbox.panel.botStep', { step: stepLabel(bot.step, i18n) })}
          </span>
        ) : (
          ''
        )}
      </p>
      {bot.script ? (
        <p class="muted small" safe>
          {t('inbox.panel.script', { script: bot.script })}
        </p>
      ) : (
        ''
      )}
      {bot.paused ? (
        <form method="post" action={action} hx-post={action} {...panelTarget(conversationId)}>
          <CsrfField csrf={csrf} />
          <button type="submit" class="secondary" safe>
            {t('inbox.panel.resume')}
          </button>
        </form>
      ) : (
        <p class="muted small" safe>
          {t('inbox.panel.pausesOnReply')}
        </p>
      )}
    </div>
  );
}

function ProfileDetails({ profile, i18n }: { profile?: ProfileView; i18n: Translator }) {
  const { t, messages } = i18n;
  if (!profile?.formSubmittedAt) {
    return (
      <p class="muted" safe>
        {t('inbox.panel.formMissing')}
      </p>
    );
  }
  const list = new Intl.ListFormat(i18n.locale, { style: 'long', type: 'conjunction' });
  const modeling: Record<string, string> = messages.inbox.modeling;
  const types = profile.preferredModelingTypes?.length ? list.format(profile.preferredModelingTypes.map((type) => modeling[type] ?? type)) : undefined;
  const unavailable = profile.unavailableShifts?.length ? list.format(profile.unavailableShifts.map((shift) => shiftLabel(shift, i18n))) : undefined;
  return (
    <dl class="facts">
      <Fact term={t('inbox.panel.email')} value={profile.email} />
      <Fact term={t('inbox.panel.location')} value={profile.location} />
      <Fact term={t('inbox.panel.modeling')} value={types} />
      <Fact term={t('inbox.panel.preferredShift')} value={profile.preferredShift ? shiftLabel(profile.preferredShift, i18n) : undefined} />
      <Fact term={t('inbox.panel.unavailable')} value={unavailable || (profile.unavailableShifts ? t('inbox.panel.none') : undefined)} />
      <Fact term={t('inbox.panel.language')} value={profile.locale ? messages.inbox.panel.languages[profile.locale] : undefined} />
      <Fact term={t('inbox.panel.theirNotes')} value={profile.notes} />
      <Fact term={t('inbox.panel.submitted')} value={i18n.dateTime(profile.formSubmittedAt)} />
    </dl>
  );
}

function Fact({ term, value }: { term: string; value?: string }) {
  if (!value) return '';
  return (
    <>
      <dt safe>{term}</dt>
      <dd safe>{value}</dd>
    </>
  );
}

export function NoteItem({ note, i18n }: { note: NoteView; i18n: Translator }) {
  return (
    <li id={`note-${note.id}`} class="note">
      <p class="note-body" safe>
        {note.body}
      </p>
      <p class="note-meta">
        <span safe>{note.authorName}</span> ·{' '}
        <time datetime={note.createdAt.toISOString()} safe>
          {i18n.dateTime(note.createdAt)}
        </time>
      </p>
    </li>
  );
}

/** Private notes: recruiters only — never sent to WhatsApp. */
export function Notes({ conversationId, csrf, notes, i18n }: PanelFormProps & { notes: NoteView[] }) {
  const action = `/inbox/${conversationId}/notes`;
  const { t } = i18n;
  return (
    <>
      <ol id={`notes-${conversationId}`} class="notes">
        {notes.map((note) => (
          <NoteItem note={note} i18n={i18n} />
        ))}
      </ol>
      <form class="note-form" method="post" action={action} hx-post={action} hx-target={`#note-error-${conversationId}`} hx-swap="innerHTML" data-reset-on-success>
        <CsrfField csrf={csrf} />
        <label class="visually-hidden" for={`note-text-${conversationId}`} safe>
          {t('inbox.panel.noteLabel')}
        </label>
        <textarea id={`note-text-${conversationId}`} name="body" rows="2" maxlength="4000" required placeholder={t('inbox.panel.notePlaceholder')} hx-preserve></textarea>
        <p id={`note-error-${conversationId}`} class="form-error" role="alert" data-form-error></p>
        <button type="submit" class="secondary" safe>
          {t('inbox.panel.addNote')}
        </button>
      </form>
    </>
  );
}

/** Appends a note to `#notes-<conversationId>` (idempotent, like messages). */
export function NoteAppend({ conversationId, note, i18n }: { conversationId: number; note: NoteView; i18n: Translator }) {
  return (
    <UpsertPush id={`note-${note.id}`} into={`notes-${conversationId}`} position="beforeend">
      <NoteItem note={note} i18n={i18n} />
    </UpsertPush>
  );
}

/** "Asignada a Ana · Luis", "Estado: Abierta · Ana", "Mensaje recibido": what happened, to what, and who did it. */
function eventLabel(event: EventView, labels: Record<string, string>, i18n: Translator): string {
  const { t } = i18n;
  let what = Object.hasOwn(labels, event.type) ? labels[event.type]! : labels.other!;
  if (event.assignee !== undefined) what = event.assignee === null ? t('inbox.panel.unassignedNow') : t('inbox.panel.assignedTo', { name: event.assignee });
  else if (event.status) what = t('inbox.panel.statusTo', { status: statusLabel(event.status, i18n) });
  return event.by ? t('inbox.panel.by', { what, who: event.by }) : what;
}

/** Newest first. */
export function EventHistory({ events, i18n }: { events: EventView[]; i18n: Translator }) {
  if (events.length === 0) {
    return (
      <p class="muted" safe>
        {i18n.t('inbox.panel.nothingYet')}
      </p>
    );
  }
  const labels: Record<string, string> = i18n.messages.inbox.events;
  const sorted = [...events].sort((a, b) => b.at.getTime() - a.at.getTime());
  return (
    <ol class="events">
      {sorted.map((event) => (
        <li>
          <time datetime={event.at.toISOString()} safe>
            {i18n.dateTime(event.at)}
          </time>
          <span safe>{eventLabel(event, labels, i18n)}</span>
        </li>
      ))}
    </ol>
  );
}

/** The aspirant's name as the inbox shows it: form name, else WhatsApp name, else her number, username or masked BSUID (`contact`). */
export function displayName(view: AspirantPanelView): string {
  const full = [view.profile?.firstName, view.profile?.lastName].filter(Boolean).join(' ');
  return full || view.whatsappName || view.contact;
}

/** The click-to-WhatsApp ad that brought her; its link only when it is https (the ad's URL comes from Meta through the provider). */
function Referral({ referral, i18n }: { referral: AspirantPanelView['referral']; i18n: Translator }) {
  if (!referral) return '';
  const headline = referral.headline?.trim();
  const link = referral.sourceUrl && URL.canParse(referral.sourceUrl) && new URL(referral.sourceUrl).protocol === 'https:' ? referral.sourceUrl : undefined;
  return (
    <p class="referral">
      <span safe>{headline ? i18n.t('inbox.panel.referral', { headline }) : i18n.t('inbox.panel.referralUntitled')}</span>
      {link ? (
        <>
          {' '}
          <a href={link} target="_blank" rel="noopener noreferrer" safe>
            {i18n.t('inbox.panel.referralSource')}
          </a>
        </>
      ) : (
        ''
      )}
    </p>
  );
}

function Identity({ view, i18n }: { view: AspirantPanelView; i18n: Translator }) {
  return (
    <header class="aspirant-head">
      <Avatar id={view.conversationId} name={displayName(view)} size="lg" />
      <h2 safe>{displayName(view)}</h2>
      {view.phone || view.contact !== displayName(view) ? <ContactLine view={view} /> : ''}
      {view.whatsappName ? (
        <p class="muted" safe>
          {i18n.t('inbox.panel.whatsappName', { name: view.whatsappName })}
        </p>
      ) : (
        ''
      )}
      <Referral referral={view.referral} i18n={i18n} />
      {view.optedOutAt ? (
        <p class="pill pill-danger" safe>
          {i18n.t('inbox.panel.optedOutAt', { when: i18n.dateTime(view.optedOutAt) })}
        </p>
      ) : (
        ''
      )}
    </header>
  );
}

/** Stable id `aspirant-<conversationId>`. */
export function AspirantPanel({ view, i18n, csrf, oob = false }: { view: AspirantPanelView; i18n: Translator; csrf?: string; oob?: boolean }) {
  const form = { conversationId: view.conversationId, csrf, i18n };
  const { t } = i18n;
  return (
    <section id={`aspirant-${view.conversationId}`} class="aspirant" hx-swap-oob={oob ? 'true' : undefined} aria-label={t('inbox.panel.label')}>
      <Identity view={view} i18n={i18n} />
      <IdentityFacts view={view} i18n={i18n} />
      <section class="card">
        <StatusSelector {...form} status={view.status} />
        <AssigneeSelector {...form} assignee={view.assignee} recruiters={view.recruiters} />
        <BotControls {...form} bot={view.bot} />
      </section>
      <section class="card">
        <h3 safe>{t('inbox.panel.form')}</h3>
        <ProfileDetails profile={view.profile} i18n={i18n} />
        {/* Sensitive answers load per reader (Law 1581 Art. 6): this panel is also pushed to every reader at once. */}
        {view.profile?.formSubmittedAt ? <SensitivePlaceholder conversationId={view.conversationId} /> : ''}
      </section>
      <PrivacySections conversationId={view.conversationId} i18n={i18n} />
      {view.photosHeld ? (
        <section class="card">
          <h3 safe>{t('inbox.panel.photos')}</h3>
          <p class="media-held" safe>
            {t('privacy.minors.held.image')}
          </p>
        </section>
      ) : (
        ''
      )}
      {view.photos.length > 0 ? (
        <section class="card">
          <h3 safe>{t('inbox.panel.photos')}</h3>
          <div class="photos">
            {view.photos.map((photo) => (
              <a href={`/media/${photo.mediaId}`} target="_blank" rel="noopener">
                <img src={`/media/${photo.mediaId}`} alt={t('inbox.panel.photoAlt')} loading="lazy" />
              </a>
            ))}
          </div>
        </section>
      ) : (
        ''
      )}
      <section class="card">
        <h3>
          <span safe>{t('inbox.panel.notes')}</span>{' '}
          <span class="muted small" safe>
            {t('inbox.panel.notesWho')}
          </span>
        </h3>
        <Notes {...form} notes={view.notes} />
      </section>
      <details class="card history">
        <summary>
          <h3 safe>{t('inbox.panel.history')}</h3>{' '}
          <span class="muted small" safe>
            {t('inbox.panel.events', { count: view.events.length })}
          </span>
        </summary>
        <EventHistory events={view.events} i18n={i18n} />
      </details>
    </section>
  );
}

/** Replaces the whole panel in place (status, assignee, bot, profile, photos changed); the note draft survives (hx-preserve). */
/** Stable id `chat-title-<id>`: the chat header's name, pushed with the panel so a submitted form renames it live. */
export function ChatTitle({ conversationId, name, oob = false }: { conversationId: number; name: string; oob?: boolean }) {
  return (
    <h1 id={`chat-title-${conversationId}`} hx-swap-oob={oob ? 'true' : undefined} safe>
      {name}
    </h1>
  );
}

export function AspirantPanelPush({ view, i18n }: { view: AspirantPanelView; i18n: Translator }) {
  return (
    <>
      <AspirantPanel view={view} i18n={i18n} oob />
      <ChatTitle conversationId={view.conversationId} name={displayName(view)} oob />
    </>
  );
}
