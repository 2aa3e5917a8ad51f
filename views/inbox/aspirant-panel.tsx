/** @module views/inbox/aspirant-panel — the right pane: who the aspirant is, what the form said, bot, status, assignee, notes, history. */
import type { Children } from '@kitajs/html';
import { Avatar } from './conversation-list';
import { CsrfField } from './csrf-field';
import { UpsertPush } from './oob';
import { STATUS_LABELS, STATUSES, dateTime, shiftLabel } from './format';
import type { AspirantPanelView, ConversationStatus, EventView, NoteView, PersonRef, ProfileView } from './types';

interface PanelFormProps {
  conversationId: number;
  csrf?: string;
}

/** Every panel form answers with a fresh <AspirantPanel>, swapped over the panel (the push does the same for others). */
function panelTarget(conversationId: number) {
  return { 'hx-target': `#aspirant-${conversationId}`, 'hx-swap': 'outerHTML' };
}

/** A select that saves on change (htmx) or with its button (no JavaScript): the shape of the status and assignee forms. */
function PanelSelect(props: PanelFormProps & { path: string; idPrefix: string; label: string; name: string; children: Children }) {
  const { conversationId, csrf, path, idPrefix, label, name, children } = props;
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
        <button type="submit">Save</button>
      </noscript>
    </form>
  );
}

export function StatusSelector({ conversationId, csrf, status }: PanelFormProps & { status: ConversationStatus }) {
  return (
    <PanelSelect conversationId={conversationId} csrf={csrf} path="status" idPrefix="status" label="Status" name="status">
      {STATUSES.map((value) => (
        <option value={value} selected={value === status} safe>
          {STATUS_LABELS[value]}
        </option>
      ))}
    </PanelSelect>
  );
}

export function AssigneeSelector({ conversationId, csrf, assignee, recruiters }: PanelFormProps & { assignee?: PersonRef; recruiters: PersonRef[] }) {
  return (
    <PanelSelect conversationId={conversationId} csrf={csrf} path="assign" idPrefix="assignee" label="Assignee" name="assigneeId">
      <option value="" selected={!assignee}>
        Unassigned
      </option>
      {recruiters.map((person) => (
        <option value={String(person.id)} selected={person.id === assignee?.id} safe>
          {person.name}
        </option>
      ))}
    </PanelSelect>
  );
}

export function BotControls({ conversationId, csrf, bot }: PanelFormProps & { bot: AspirantPanelView['bot'] }) {
  const action = `/inbox/${conversationId}/bot/resume`;
  return (
    <div class="bot">
      <p class="bot-state">
        <span class={bot.paused ? 'dot dot-paused' : 'dot dot-running'} aria-hidden="true"></span>
        <strong>{bot.paused ? 'Bot paused' : 'Bot running'}</strong>
        {bot.step ? <span class="muted" safe>{` · step ${bot.step}`}</span> : ''}
      </p>
      {bot.script ? <p class="muted small" safe>{`Script: ${bot.script}`}</p> : ''}
      {bot.paused ? (
        <form method="post" action={action} hx-post={action} {...panelTarget(conversationId)}>
          <CsrfField csrf={csrf} />
          <button type="submit" class="secondary">
            Resume bot
          </button>
        </form>
      ) : (
        <p class="muted small">It pauses as soon as a recruiter replies.</p>
      )}
    </div>
  );
}

function ProfileDetails({ profile }: { profile?: ProfileView }) {
  if (!profile?.formSubmittedAt) return <p class="muted">The form has not been submitted yet.</p>;
  const types = profile.preferredModelingTypes?.join(', ');
  const unavailable = profile.unavailableShifts?.map(shiftLabel).join(', ');
  return (
    <dl class="facts">
      <Fact term="Email" value={profile.email} />
      <Fact term="Location" value={profile.location} />
      <Fact term="Modeling" value={types} />
      <Fact term="Preferred shift" value={profile.preferredShift ? shiftLabel(profile.preferredShift) : undefined} />
      <Fact term="Unavailable" value={unavailable || (profile.unavailableShifts ? 'None' : undefined)} />
      <Fact term="Has kids" value={profile.hasKids === undefined ? undefined : profile.hasKids ? 'Yes' : 'No'} />
      <Fact term="Language" value={profile.locale === 'en' ? 'English' : profile.locale === 'es' ? 'Spanish' : undefined} />
      <Fact term="Their notes" value={profile.notes} />
      <Fact term="Submitted" value={dateTime(profile.formSubmittedAt)} />
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

export function NoteItem({ note }: { note: NoteView }) {
  return (
    <li id={`note-${note.id}`} class="note">
      <p class="note-body" safe>
        {note.body}
      </p>
      <p class="note-meta">
        <span safe>{note.authorName}</span> ·{' '}
        <time datetime={note.createdAt.toISOString()} safe>
          {dateTime(note.createdAt)}
        </time>
      </p>
    </li>
  );
}

/** Private notes: recruiters only — never sent to WhatsApp. */
export function Notes({ conversationId, csrf, notes }: PanelFormProps & { notes: NoteView[] }) {
  const action = `/inbox/${conversationId}/notes`;
  return (
    <>
      <ol id={`notes-${conversationId}`} class="notes">
        {notes.map((note) => (
          <NoteItem note={note} />
        ))}
      </ol>
      <form class="note-form" method="post" action={action} hx-post={action} hx-target={`#note-error-${conversationId}`} hx-swap="innerHTML" data-reset-on-success>
        <CsrfField csrf={csrf} />
        <label class="visually-hidden" for={`note-text-${conversationId}`}>
          Private note
        </label>
        <textarea id={`note-text-${conversationId}`} name="body" rows="2" maxlength="4000" required placeholder="Add a private note for the team" hx-preserve></textarea>
        <p id={`note-error-${conversationId}`} class="form-error" role="alert" data-form-error></p>
        <button type="submit" class="secondary">
          Add note
        </button>
      </form>
    </>
  );
}

/** Appends a note to `#notes-<conversationId>` (idempotent, like messages). */
export function NoteAppend({ conversationId, note }: { conversationId: number; note: NoteView }) {
  return (
    <UpsertPush id={`note-${note.id}`} into={`notes-${conversationId}`} position="beforeend">
      <NoteItem note={note} />
    </UpsertPush>
  );
}

/** Newest first. */
export function EventHistory({ events }: { events: EventView[] }) {
  if (events.length === 0) return <p class="muted">Nothing yet.</p>;
  const sorted = [...events].sort((a, b) => b.at.getTime() - a.at.getTime());
  return (
    <ol class="events">
      {sorted.map((event) => (
        <li>
          <time datetime={event.at.toISOString()} safe>
            {dateTime(event.at)}
          </time>
          <span safe>{event.label}</span>
        </li>
      ))}
    </ol>
  );
}

/** The aspirant's name as the inbox shows it: form name, else WhatsApp name, else number. */
export function displayName(view: AspirantPanelView): string {
  const full = [view.profile?.firstName, view.profile?.lastName].filter(Boolean).join(' ');
  return full || view.whatsappName || view.number;
}

function Identity({ view }: { view: AspirantPanelView }) {
  return (
    <header class="aspirant-head">
      <Avatar id={view.conversationId} name={displayName(view)} size="lg" />
      <h2 safe>{displayName(view)}</h2>
      <p>
        <a href={`tel:${view.number}`} safe>
          {view.number}
        </a>
      </p>
      {view.whatsappName ? <p class="muted" safe>{`WhatsApp: ${view.whatsappName}`}</p> : ''}
      {view.optedOutAt ? <p class="pill pill-danger" safe>{`Opted out ${dateTime(view.optedOutAt)}`}</p> : ''}
    </header>
  );
}

/** Stable id `aspirant-<conversationId>`. */
export function AspirantPanel({ view, csrf, oob = false }: { view: AspirantPanelView; csrf?: string; oob?: boolean }) {
  const form = { conversationId: view.conversationId, csrf };
  return (
    <section id={`aspirant-${view.conversationId}`} class="aspirant" hx-swap-oob={oob ? 'true' : undefined} aria-label="Aspirant">
      <Identity view={view} />
      <section class="card">
        <StatusSelector {...form} status={view.status} />
        <AssigneeSelector {...form} assignee={view.assignee} recruiters={view.recruiters} />
        <BotControls {...form} bot={view.bot} />
      </section>
      <section class="card">
        <h3>Form</h3>
        <ProfileDetails profile={view.profile} />
      </section>
      {view.photos.length > 0 ? (
        <section class="card">
          <h3>Photos</h3>
          <div class="photos">
            {view.photos.map((photo) => (
              <a href={`/media/${photo.mediaId}`} target="_blank" rel="noopener">
                <img src={`/media/${photo.mediaId}`} alt="Aspirant photo" loading="lazy" />
              </a>
            ))}
          </div>
        </section>
      ) : (
        ''
      )}
      <section class="card">
        <h3>
          Private notes <span class="muted small">only recruiters see these</span>
        </h3>
        <Notes {...form} notes={view.notes} />
      </section>
      <details class="card history">
        <summary>
          <h3>History</h3> <span class="muted small" safe>{`${view.events.length} events`}</span>
        </summary>
        <EventHistory events={view.events} />
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

export function AspirantPanelPush({ view }: { view: AspirantPanelView }) {
  return (
    <>
      <AspirantPanel view={view} oob />
      <ChatTitle conversationId={view.conversationId} name={displayName(view)} oob />
    </>
  );
}
