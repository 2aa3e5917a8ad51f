/** @module views/inbox/inbox-page — the recruiter inbox: list, chat and aspirant panes in one server-rendered page with a live socket. */
import type { Translator } from '../i18n';
import { Layout } from '../layout';
import { AspirantPanel, ChatTitle, displayName } from './aspirant-panel';
import { Composer } from './composer';
import { Avatar, ConversationList, ListFilters } from './conversation-list';
import { filterQuery } from './format';
import { ChatLog } from './messages';
import { Presence } from './presence';
import type { ConversationRowView, DeadLetterView, InboxFilters, OpenConversationView, PresenceView, ViewerView } from './types';

export interface InboxPageProps {
  viewer: ViewerView;
  /** The viewer's language and time zone. */
  i18n: Translator;
  filters: InboxFilters;
  rows: ConversationRowView[];
  nextCursor?: string;
  open?: OpenConversationView;
  /** Other recruiters already in the open conversation. */
  presence?: PresenceView[];
  now?: Date;
}

function TopBar({ viewer, i18n }: { viewer: ViewerView; i18n: Translator }) {
  const { t } = i18n;
  return (
    <header class="topbar">
      <a class="brand" href="/inbox">
        <span class="brand-mark" aria-hidden="true">
          W
        </span>{' '}
        Wasap
      </a>
      <span class="viewer" title={viewer.role === 'admin' ? t('inbox.signedInAdmin') : t('inbox.signedIn')} safe>
        {viewer.name}
      </span>
      {/* Shown by inbox.js only while the browser has not been asked: one click asks, once. */}
      <button type="button" class="link-button alerts-ask" hidden title={t('inbox.alertsWhy')} data-notification-fallback={t('inbox.notificationFallback')} safe>
        {t('inbox.alertsAsk')}
      </button>
      {/* Set by inbox.js from the browser's permission: whether alerts are on, or blocked there. */}
      <span class="alerts-state muted small" role="status" hidden data-on={t('inbox.alertsOn')} data-blocked={t('inbox.alertsBlocked')}></span>
      {viewer.role === 'admin' ? (
        <a class="link-button admin-link" href="/admin/users" safe>
          {t('inbox.admin')}
        </a>
      ) : (
        ''
      )}
      <form method="post" action="/logout" class="signout">
        <input type="hidden" name="_csrf" value={viewer.csrf} />
        <button type="submit" class="link-button" safe>
          {t('inbox.signOut')}
        </button>
      </form>
    </header>
  );
}

function EmptyChat({ i18n }: { i18n: Translator }) {
  return (
    <div class="chat-empty">
      <div class="chat-empty-card">
        <p class="chat-empty-mark" aria-hidden="true">
          💬
        </p>
        <h2 safe>{i18n.t('inbox.chat.pick')}</h2>
        <p class="muted" safe>
          {i18n.t('inbox.chat.pickHint')}
        </p>
      </div>
    </div>
  );
}

interface ChatPaneProps {
  open: OpenConversationView;
  viewer: ViewerView;
  i18n: Translator;
  filters: InboxFilters;
  presence: PresenceView[];
  now: Date;
}

/** Events of this conversation that could not be processed: shown until an admin re-drives them. */
export function DeadLetterNotice({ letters, i18n }: { letters: DeadLetterView[]; i18n: Translator }) {
  if (letters.length === 0) return <></>;
  return (
    <div class="dead-letters" role="alert">
      <p>
        <strong safe>{i18n.t('inbox.chat.deadLetters', { count: letters.length })}</strong> <span safe>{i18n.t('inbox.chat.deadLettersHint')}</span>
      </p>
      <ul>
        {letters.map((letter) => (
          <li>
            <code safe>{letter.type}</code>{' '}
            <span class="muted small" safe>
              {letter.error}
            </span>{' '}
            — <code safe>{`wasap dead-letters retry ${letter.id}`}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

function ChatPane({ open, viewer, i18n, filters, presence, now }: ChatPaneProps) {
  const { t } = i18n;
  const view = open.conversation;
  const id = view.conversationId;
  const name = displayName(view);
  return (
    <>
      <header class="chat-head">
        <a class="back" href={`/inbox${filterQuery(filters)}`} aria-label={t('inbox.chat.back')}>
          <span aria-hidden="true">‹</span>
        </a>
        <Avatar id={id} name={name} />
        <div class="chat-title">
          <ChatTitle conversationId={id} name={name} />
          <p class="muted small" safe>
            {view.contact}
          </p>
          <Presence conversationId={id} people={presence} viewerId={viewer.id} i18n={i18n} />
        </div>
        <a class="details-link" href="#details" safe>
          {t('inbox.chat.details')}
        </a>
      </header>
      <DeadLetterNotice letters={open.deadLetters ?? []} i18n={i18n} />
      <div class="chat-scroll">
        <div class="chat-scroll-inner">
          <ChatLog conversationId={id} messages={open.messages} olderCursor={open.olderCursor} query={filterQuery(filters)} now={now} csrf={viewer.csrf} i18n={i18n} />
        </div>
      </div>
      <Composer conversationId={id} csrf={viewer.csrf} window={open.window} templates={open.templates} canned={open.canned} optedOut={Boolean(view.optedOutAt)} now={now} i18n={i18n} />
      <div hidden hx-ws:send hx-trigger="htmx:ws:after:connection from:#app" hx-vals={JSON.stringify({ type: 'viewing', conversationId: id })}></div>
    </>
  );
}

/** The words inbox.js writes on its own (the countdown, a form whose request got no answer), in the viewer's language. */
function scriptWords({ locale, messages: { inbox } }: Translator) {
  // The catalogue's own texts, {{variables}} and plural forms included: inbox.js fills them (Intl.PluralRules picks the form).
  return {
    locale,
    unconfirmed: inbox.saveUnconfirmed,
    lessThanMinute: inbox.time.lessThanMinute,
    minutes: inbox.time.minutes,
    hoursMinutes: inbox.time.hoursMinutes,
    days: { one: inbox.time.days_one, other: inbox.time.days_other },
    closed: inbox.composer.closedNow,
    reload: inbox.composer.reload,
    notification: inbox.notificationFallback,
    waitingFor: inbox.list.waitingFor,
    windowClosing: inbox.list.windowClosing,
    closingSoon: inbox.composer.closingSoon,
  };
}

export function InboxPage({ viewer, i18n, filters, rows, nextCursor, open, presence = [], now = new Date() }: InboxPageProps) {
  const { t } = i18n;
  const openId = open?.conversation.conversationId;
  const title = t('inbox.titleWith', { name: open ? displayName(open.conversation) : t('inbox.title') });
  return (
    <Layout title={title} lang={i18n.locale} live>
      <div id="app" class="app" hx-ws:connect="/live" hx-swap="none" hx-headers:inherited={JSON.stringify({ 'X-CSRF-Token': viewer.csrf })} data-words={JSON.stringify(scriptWords(i18n))}>
        {/* Shown by inbox.js while the live connection is down: nothing she sends meanwhile is lost or sent unseen. */}
        <p id="connection-banner" class="connection-banner" role="status" hidden safe>
          {t('inbox.connectionLost')}
        </p>
        <div id="inbox" class={open ? 'inbox has-open' : 'inbox'} data-open-id={openId}>
          <aside class="pane pane-list" aria-label={t('inbox.list.label')}>
            <TopBar viewer={viewer} i18n={i18n} />
            <ListFilters filters={filters} i18n={i18n} basePath={openId ? `/inbox/${openId}` : '/inbox'} />
            <ConversationList rows={rows} filters={filters} i18n={i18n} nextCursor={nextCursor} now={now} openId={openId} />
          </aside>
          <main id="chat" class="pane pane-chat">
            {open ? <ChatPane open={open} viewer={viewer} i18n={i18n} filters={filters} presence={presence} now={now} /> : <EmptyChat i18n={i18n} />}
          </main>
          {open ? (
            <aside id="details" class="pane pane-aspirant" aria-label={t('inbox.chat.detailsLabel')}>
              <a class="close-details" href="#chat" safe>
                {t('inbox.chat.backToChat')}
              </a>
              <AspirantPanel view={open.conversation} csrf={viewer.csrf} i18n={i18n} />
            </aside>
          ) : (
            ''
          )}
        </div>
      </div>
      <script src="/assets/inbox.js" defer></script>
      <script src="/assets/push.js" defer></script>
    </Layout>
  );
}
