/** @module server/routes/inbox — the recruiter inbox: pages, replies, status, assignment, notes, bot resume, authorised media. */
import { Elysia, t } from 'elysia';
import { charCount, MAX_BODY_CHARS } from '../../actors/conversation/body-limit';
import { windowClosesAt, windowOpen } from '../../actors/conversation/rules';
import { CONVERSATION_STATUSES, INBOX_SCOPES, type ConversationStatus, type Role } from '../../actors/vocabulary';
import { AspirantPanel, NoteAppend } from '../../views/inbox/aspirant-panel';
import { Composer } from '../../views/inbox/composer';
import { InboxPage } from '../../views/inbox/inbox-page';
import { MediaHeldPage } from '../../views/privacy/guardian-held';
import type { InboxFilters, Scope } from '../../views/inbox/types';
import { translator, type MessageKey, type Translator } from '../../views/i18n';
import { authPlugin } from '../auth/plugin';
import type { Db } from '../db/client';
import { aspirantPanel, chatPage, mediaOwner } from '../db/queries/chat';
import { canSee, conversationKey, listConversations, markRead, type Viewer } from '../db/queries/inbox';
import { cannedFor, firstNameOf, type CannedSettings } from '../services/canned';
import { checkTemplateReply, postedVariables, templateRefusal, templateViews, type TypedTemplate } from '../services/template-reply';
import type { OfferedTemplate } from '../services/templates';
import { withContactCards } from '../services/contact-cards';
import { AppError, BadRequestError, ForbiddenError, NotFoundError } from '../errors';
import type { Hub } from '../realtime/hub';
import type { Presence } from '../realtime/presence';
import { deleteRow, LIST_STATUSES, listTopic, UNASSIGNED_INBOX, userInbox } from '../realtime/topics';
import type { ConversationSystem } from '../conversations/system';
import type { BlobStore } from '../storage';
import type { MediaQueue } from '../jobs/media';
import type { ReadAudit } from '../privacy/read-audit';
import { htmlResponse } from './html';
import { mediaResponse } from './media-response';
import { openDeadLettersOf, summarise } from '../conversations/dead-letters';
import { mediaHeld } from '../privacy/minor-photos';
import { TEMPLATE_REF_MAX, TEMPLATE_REF_PATTERN } from '../whatsapp/port';
import { COMMAND_TOKEN_FIELD, COMMAND_TOKEN_PATTERN, replyCommandId } from '../services/reply-command';

export interface InboxDeps {
  db: Db;
  conversations: ConversationSystem;
  blobs: BlobStore;
  media: MediaQueue;
  presence: Presence;
  secureCookies: boolean;
  now?: () => number;
  hub?: Hub;
  /**
   * The templates offered once the 24-hour window has closed, and the only ones a reply may name: the active
   * provider's approved ones, or TWILIO_TEMPLATES (server/services/templates approvedTemplates). None without it.
   */
  templates?: () => Promise<OfferedTemplate[]>;
  /** Fills canned responses' variables for the open conversation's aspirant (server/config botSettings); unfilled without it. */
  cannedSettings?: CannedSettings;
  /** Records reads of personal data (server/privacy/read-audit): opens, searches, files seen or downloaded. */
  reads?: ReadAudit;
}

function filtersFrom(query: { scope?: string; status?: string; q?: string }): InboxFilters {
  return {
    scope: (INBOX_SCOPES as readonly string[]).includes(query.scope ?? '') ? (query.scope as Scope) : 'all',
    status: query.status === 'waiting' ? 'waiting' : (CONVERSATION_STATUSES as readonly string[]).includes(query.status ?? '') ? (query.status as ConversationStatus) : undefined,
    // Control characters (a NUL cannot even reach Postgres as text) are spaces in a search.
    q:
      query.q
        ?.replace(/[\u0000-\u001f\u007f]/g, ' ')
        .trim()
        .slice(0, 100) || undefined,
  };
}

const listQuery = t.Object({
  scope: t.Optional(t.String({ maxLength: 20 })),
  status: t.Optional(t.String({ maxLength: 20 })),
  q: t.Optional(t.String({ maxLength: 200 })),
  cursor: t.Optional(t.String({ maxLength: 60 })),
  before: t.Optional(t.String({ maxLength: 20 })),
});
const idParams = t.Object({ id: t.Numeric({ minimum: 1, maximum: 2_147_483_647, multipleOf: 1 }) });

/** The signed-in user's language and zone (users.locale, users.time_zone). */
interface Reader {
  locale?: string | null;
  timeZone?: string | null;
}

const readerOf = (user: Reader) => translator(user.locale, user.timeZone);

/** Why a reply was refused (actors' ReplyResult codes), in the recruiter's language; `vars` fill its numbers. */
function refusal(code: string | undefined, i18n: Translator, vars?: Record<string, string>): string {
  const refused: Record<string, string> = i18n.messages.inbox.composer.refused;
  return code !== undefined && Object.hasOwn(refused, code) ? i18n.t(`inbox.composer.refused.${code}` as MessageKey, vars) : i18n.t('inbox.composer.unconfirmed');
}

/**
 * A bound on the reply field against abuse only, in UTF-16 units as the schema counts: far above any paste, so an
 * over-long text gets the actor's TOO_LONG answer in her words (the limit, 1,600 characters, is counted there).
 */
const REPLY_FIELD_GUARD = 65_536;

export function inboxRoutes(deps: InboxDeps) {
  const { db } = deps;
  const now = deps.now ?? Date.now;

  /** Not visible → 404, so a recruiter cannot even learn that a conversation exists. */
  async function visible(viewer: Viewer, id: number) {
    if (!(await canSee(db, viewer, id))) throw new NotFoundError('That conversation');
    const found = await conversationKey(db, id);
    if (!found) throw new NotFoundError('That conversation');
    return found;
  }

  async function visibleMedia(viewer: Viewer, mediaId: number) {
    const owner = await mediaOwner(db, mediaId);
    if (!owner || !(await canSee(db, viewer, owner.conversationId))) throw new NotFoundError('That file');
    return owner;
  }

  async function openView(id: number, before?: number, typed?: TypedTemplate) {
    const [panel, page, key] = await Promise.all([aspirantPanel(db, id), chatPage(db, id, before), conversationKey(db, id)]);
    const messages = await withContactCards(db, deps.blobs, page.messages);
    const canned = await cannedFor(db, deps.cannedSettings, key?.key, now());
    const letters = key ? await openDeadLettersOf(db, key.key) : [];
    const lastInbound = key?.lastInboundAt?.getTime() ?? null;
    const closes = windowClosesAt(lastInbound);
    const open = windowOpen(lastInbound, now());
    // Offered only once the window has closed, her first name filled in where the template greets her.
    const templates = open ? [] : templateViews((await deps.templates?.()) ?? [], firstNameOf({ firstName: panel?.profile?.firstName, whatsappName: panel?.whatsappName }), typed);
    return {
      conversation: panel!,
      deadLetters: letters.map((l) => ({ id: l.id, type: summarise(l).type, error: l.error, at: l.createdAt })),
      messages,
      olderCursor: page.olderCursor,
      window: { open, closesAt: closes === null ? undefined : new Date(closes) },
      templates,
      canned,
    };
  }

  async function page(
    request: Request,
    user: Reader & { id: number; name: string; email: string; role: Role },
    csrf: string,
    query: { scope?: string; status?: string; q?: string; cursor?: string; before?: string },
    openId?: number,
  ) {
    const filters = filtersFrom(query);
    let open;
    if (openId !== undefined) {
      await visible(user, openId);
      // Read before the list is read, so its row shows no unread badge (nor counts in the tab's title).
      await markRead(db, openId);
      open = await openView(openId, query.before ? Number(query.before) : undefined);
    }
    const list = await listConversations(db, user, filters, query.cursor);
    const presence = openId === undefined ? [] : deps.presence.people(openId);
    deps.reads?.page(user, request, query, openId);
    return htmlResponse(InboxPage({ viewer: { ...user, csrf }, i18n: readerOf(user), filters, rows: list.rows, nextCursor: list.nextCursor, open, presence, now: new Date(now()) }));
  }

  /** The composer after a POST: a refusal keeps the box's command token (sending again is the same command), a sent reply draws a new one. */
  async function composerAfter(id: number, csrf: string, i18n: Translator, error?: string, draft?: string, typed?: TypedTemplate, commandToken?: string) {
    const view = await openView(id, undefined, typed);
    return Composer({
      conversationId: id,
      csrf,
      commandToken: error === undefined ? undefined : commandToken,
      i18n,
      window: view.window,
      templates: view.templates,
      canned: view.canned,
      optedOut: Boolean(view.conversation.optedOutAt),
      error,
      draft,
      now: new Date(now()),
    });
  }

  /**
   * A template reply: an offered ref with a value for each of its variables (else 400, said in her language, what she
   * typed kept), sent by the outbox as the template while the chat shows its body filled with those values.
   */
  async function replyWithTemplate(user: Reader & { id: number }, csrf: string, id: number, key: string, ref: string, posted: Record<string, string>, token?: string) {
    const i18n = readerOf(user);
    const typed = { ref, values: posted };
    const checked = checkTemplateReply((await deps.templates?.()) ?? [], ref, posted);
    if (!checked.ok) return htmlResponse(composerAfter(id, csrf, i18n, templateRefusal(checked, i18n), undefined, typed, token), 400);
    const variables = Object.keys(checked.variables).length > 0 ? checked.variables : undefined;
    const sent = { userId: user.id, body: checked.text, templateRef: ref, templateVariables: variables };
    const result = await deps.conversations.reply(key, { ...sent, commandId: token ? replyCommandId({ ...sent, conversationId: id, token }) : undefined });
    if (!result.ok) return htmlResponse(composerAfter(id, csrf, i18n, refusal(result.code, i18n), undefined, typed, token), result.code === 'OPTED_OUT' ? 409 : 422);
    deps.presence.sent(user.id, id);
    return htmlResponse(composerAfter(id, csrf, i18n));
  }

  async function panelAfter(id: number, csrf: string, i18n: Translator) {
    const panel = await aspirantPanel(db, id);
    if (!panel) throw new NotFoundError('That conversation');
    return htmlResponse(AspirantPanel({ view: panel, csrf, i18n }));
  }

  return new Elysia({ name: 'inbox' })
    .use(authPlugin({ db, secureCookies: deps.secureCookies }))
    .get('/', ({ auth, redirect }) => redirect(auth ? '/inbox' : '/login', 303))
    .get('/inbox', ({ request, user, session, query }) => page(request, user, session.csrfToken, query), { requireUser: true, query: listQuery })
    .get('/inbox/:id', ({ request, user, session, query, params }) => page(request, user, session.csrfToken, query, params.id), { requireUser: true, query: listQuery, params: idParams })
    .post(
      '/inbox/:id/messages',
      async ({ user, session, params, body }) => {
        const { key } = await visible(user, params.id);
        // A template's own text is its body: whatever `body` came with it is not sent, nor shown.
        const token = body[COMMAND_TOKEN_FIELD];
        if (body.templateRef) return replyWithTemplate(user, session.csrfToken, params.id, key, body.templateRef, postedVariables(body), token);
        const i18n = readerOf(user);
        // A form sends a textarea's line breaks as CR LF: WhatsApp shows LF the same, and counts one character, not two.
        const text = body.body?.replace(/\r\n?/g, '\n');
        // The id is of what is sent (decide() sends the text trimmed): a resend differing only in outer spaces is the same reply.
        const commandId = token ? replyCommandId({ conversationId: params.id, userId: user.id, token, body: text?.trim() }) : undefined;
        const result = await deps.conversations.reply(key, { userId: user.id, body: text, commandId });
        if (!result.ok) {
          const counted = { count: i18n.number(charCount(text?.trim() ?? '')), max: i18n.number(MAX_BODY_CHARS) };
          const composer = composerAfter(params.id, session.csrfToken, i18n, refusal(result.code, i18n, counted), text, undefined, token);
          return htmlResponse(composer, result.code === 'WINDOW_CLOSED' || result.code === 'OPTED_OUT' ? 409 : 422);
        }
        // Her "is typing…" ends with the message, in every tab that shows it.
        deps.presence.sent(user.id, params.id);
        return htmlResponse(composerAfter(params.id, session.csrfToken, i18n));
      },
      {
        requireUser: true,
        params: idParams,
        // A template's values come as `var.<name>` fields (views/inbox/template-picker), checked by the handler.
        body: t.Object(
          {
            body: t.Optional(t.String({ maxLength: REPLY_FIELD_GUARD })),
            templateRef: t.Optional(t.String({ maxLength: TEMPLATE_REF_MAX, pattern: TEMPLATE_REF_PATTERN })),
            [COMMAND_TOKEN_FIELD]: t.Optional(t.String({ pattern: COMMAND_TOKEN_PATTERN })),
          },
          { additionalProperties: t.Union([t.String({ maxLength: REPLY_FIELD_GUARD }), t.Array(t.String({ maxLength: REPLY_FIELD_GUARD }), { maxItems: 10 })]) },
        ),
      },
    )
    .post(
      '/inbox/:id/status',
      async ({ user, session, params, body }) => {
        const { key } = await visible(user, params.id);
        await deps.conversations.setStatus(key, user.id, body.status as ConversationStatus);
        return panelAfter(params.id, session.csrfToken, readerOf(user));
      },
      { requireUser: true, params: idParams, body: t.Object({ status: t.UnionEnum(CONVERSATION_STATUSES) }) },
    )
    .post(
      '/inbox/:id/assign',
      async ({ user, session, params, body }) => {
        const { key, assigneeId: current } = await visible(user, params.id);
        const to = body.assigneeId ? Number(body.assigneeId) : null;
        // A recruiter may take an unassigned conversation, or let go of their own; admins assign anyone.
        if (user.role !== 'admin' && !(to === user.id && current === null) && !(to === null && current === user.id)) {
          throw new ForbiddenError('Recruiters can assign an unassigned conversation to themselves, or unassign their own.');
        }
        // Whoever can no longer see it stops hearing about it when the assignment commits (the pusher announces it);
        // its old list drops the row here, where the previous assignee is known.
        await deps.conversations.assign(key, user.id, to);
        if (current !== to) for (const status of LIST_STATUSES) void deps.hub?.publish(listTopic(current ? userInbox(current) : UNASSIGNED_INBOX, status), deleteRow(params.id));
        return panelAfter(params.id, session.csrfToken, readerOf(user));
      },
      { requireUser: true, params: idParams, body: t.Object({ assigneeId: t.Optional(t.String({ pattern: '^\\d{0,10}$' })) }) },
    )
    .post(
      '/inbox/:id/notes',
      async ({ user, params, body }) => {
        const { key } = await visible(user, params.id);
        const text = body.body.trim();
        if (!text) throw new BadRequestError(readerOf(user).t('inbox.panel.noteEmpty'), 'body');
        await deps.conversations.addNote(key, user.id, text);
        const panel = await aspirantPanel(db, params.id);
        const note = panel?.notes.at(-1);
        return htmlResponse(note ? NoteAppend({ conversationId: params.id, note, i18n: readerOf(user) }) : '');
      },
      { requireUser: true, params: idParams, body: t.Object({ body: t.String({ minLength: 1, maxLength: 4000 }) }) },
    )
    .post(
      '/inbox/:id/bot/resume',
      async ({ user, session, params }) => {
        const { key } = await visible(user, params.id);
        await deps.conversations.resumeBot(key, user.id);
        return panelAfter(params.id, session.csrfToken, readerOf(user));
      },
      { requireUser: true, params: idParams },
    )
    .get(
      '/media/:id',
      async ({ user, params, request }) => {
        const owner = await visibleMedia(user, params.id);
        // A minor's photo or video waits for her guardian's authorisation (Law 1581 Art. 7; server/privacy/minor-photos).
        if (await mediaHeld(db, params.id, owner.conversationId)) return htmlResponse(MediaHeldPage({ i18n: readerOf(user) }), 403);
        if (owner.state !== 'stored' || !owner.blobKey) throw new AppError('MEDIA_UNAVAILABLE', 404, 'This file is not available (the download failed); retry it from the chat.');
        // Whole bytes, then sliced for a range: every stored file is at most MEDIA_MAX_BYTES.
        const blob = await deps.blobs.get(owner.blobKey);
        if (!blob) throw new NotFoundError('That file');
        deps.reads?.media(user, request, { mediaId: params.id, conversationId: owner.conversationId, contentType: blob.contentType });
        return mediaResponse(blob.bytes, blob.contentType, { range: request.headers.get('range'), fileName: owner.fileName, fallbackName: `media-${params.id}` });
      },
      { requireUser: true, params: idParams },
    )
    .post(
      '/media/:id/retry',
      async ({ user, params }) => {
        await visibleMedia(user, params.id);
        const queued = await deps.media.retry(params.id);
        return { queued };
      },
      { requireUser: true, params: idParams },
    );
}
