/** @module views/inbox/inbox-page — the recruiter inbox: list, chat and aspirant panes in one server-rendered page with a live socket. */
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
  filters: InboxFilters;
  rows: ConversationRowView[];
  nextCursor?: string;
  open?: OpenConversationView;
  /** Other recruiters already in the open conversation. */
  presence?: PresenceView[];
  now?: Date;
}

function TopBar({ viewer }: { viewer: ViewerView }) {
  return (
    <header class="topbar">
      <a class="brand" href="/inbox">
        <span class="brand-mark" aria-hidden="true">
          W
        </span>{' '}
        Wasap
      </a>
      <span class="viewer" title={viewer.role === 'admin' ? 'Signed in as an admin' : 'Signed in'} safe>
        {viewer.name}
      </span>
      {/* Shown by inbox.js only while the browser has not been asked: one click asks, once. */}
      <button type="button" class="link-button alerts-ask" hidden title="A sound and a desktop notice when an aspirant writes in a conversation you are not reading">
        Turn on alerts
      </button>
      <form method="post" action="/logout" class="signout">
        <input type="hidden" name="_csrf" value={viewer.csrf} />
        <button type="submit" class="link-button">
          Sign out
        </button>
      </form>
    </header>
  );
}

function EmptyChat() {
  return (
    <div class="chat-empty">
      <div class="chat-empty-card">
        <p class="chat-empty-mark" aria-hidden="true">
          💬
        </p>
        <h2>Pick a conversation</h2>
        <p class="muted">Messages, delivery ticks and the aspirant's details appear here. New activity moves a conversation to the top of the list.</p>
      </div>
    </div>
  );
}

interface ChatPaneProps {
  open: OpenConversationView;
  viewer: ViewerView;
  filters: InboxFilters;
  presence: PresenceView[];
  now: Date;
}

/** Events of this conversation that could not be processed: shown until an admin re-drives them. */
export function DeadLetterNotice({ letters }: { letters: DeadLetterView[] }) {
  if (letters.length === 0) return <></>;
  return (
    <div class="dead-letters" role="alert">
      <p>
        <strong safe>{letters.length === 1 ? 'An event of this conversation could not be processed.' : `${letters.length} events of this conversation could not be processed.`}</strong> What the
        aspirant sent is kept; an admin can process it again once the cause is fixed.
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

function ChatPane({ open, viewer, filters, presence, now }: ChatPaneProps) {
  const view = open.conversation;
  const id = view.conversationId;
  const name = displayName(view);
  return (
    <>
      <header class="chat-head">
        <a class="back" href={`/inbox${filterQuery(filters)}`} aria-label="Back to conversations">
          <span aria-hidden="true">‹</span>
        </a>
        <Avatar id={id} name={name} />
        <div class="chat-title">
          <ChatTitle conversationId={id} name={name} />
          <p class="muted small" safe>
            {view.number}
          </p>
          <Presence conversationId={id} people={presence} viewerId={viewer.id} />
        </div>
        <a class="details-link" href="#details">
          Details
        </a>
      </header>
      <DeadLetterNotice letters={open.deadLetters ?? []} />
      <div class="chat-scroll">
        <div class="chat-scroll-inner">
          <ChatLog conversationId={id} messages={open.messages} olderCursor={open.olderCursor} query={filterQuery(filters)} now={now} csrf={viewer.csrf} />
        </div>
      </div>
      <Composer conversationId={id} csrf={viewer.csrf} window={open.window} templates={open.templates} canned={open.canned} optedOut={Boolean(view.optedOutAt)} now={now} />
      <div hidden hx-ws:send hx-trigger="htmx:ws:after:connection from:#app" hx-vals={JSON.stringify({ type: 'viewing', conversationId: id })}></div>
    </>
  );
}

export function InboxPage({ viewer, filters, rows, nextCursor, open, presence = [], now = new Date() }: InboxPageProps) {
  const openId = open?.conversation.conversationId;
  const title = open ? `${displayName(open.conversation)} · Wasap` : 'Inbox · Wasap';
  return (
    <Layout title={title} lang="en" live>
      <div id="app" class="app" hx-ws:connect="/live" hx-swap="none" hx-headers:inherited={JSON.stringify({ 'X-CSRF-Token': viewer.csrf })}>
        {/* Shown by inbox.js while the live connection is down: nothing she sends meanwhile is lost or sent unseen. */}
        <p id="connection-banner" class="connection-banner" role="status" hidden>
          Connection lost — reconnecting. What you send now is not sent; your text stays in the box.
        </p>
        <div id="inbox" class={open ? 'inbox has-open' : 'inbox'} data-open-id={openId}>
          <aside class="pane pane-list" aria-label="Conversations">
            <TopBar viewer={viewer} />
            <ListFilters filters={filters} basePath={openId ? `/inbox/${openId}` : '/inbox'} />
            <ConversationList rows={rows} filters={filters} nextCursor={nextCursor} now={now} openId={openId} />
          </aside>
          <main id="chat" class="pane pane-chat">
            {open ? <ChatPane open={open} viewer={viewer} filters={filters} presence={presence} now={now} /> : <EmptyChat />}
          </main>
          {open ? (
            <aside id="details" class="pane pane-aspirant" aria-label="Aspirant details">
              <a class="close-details" href="#chat">
                ‹ Back to chat
              </a>
              <AspirantPanel view={open.conversation} csrf={viewer.csrf} />
            </aside>
          ) : (
            ''
          )}
        </div>
      </div>
      <script src="/assets/inbox.js" defer></script>
    </Layout>
  );
}
