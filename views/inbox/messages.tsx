/** @module views/inbox/messages — chat bubbles (each kind's body: ./message-kinds), delivery ticks, day separators and "load older". */
import { isTerminal } from '../../actors/vocabulary';
import { KindBody, Quote, Reactions } from './message-kinds';
import { UpsertPush } from './oob';
import type { Translator } from '../i18n';
import { clockTime, dayKey, dayLabel } from './format';
import type { DeliveryStatus, MessageView } from './types';

export { MediaItem, mediaLabel } from './media-item';

/** Each status's mark and tone; its words are the catalogue's `inbox.ticks`. */
const TICKS: Record<DeliveryStatus, { mark: string; tone: string }> = {
  received: { mark: '', tone: 'none' },
  queued: { mark: '🕓', tone: 'pending' },
  sending: { mark: '🕓', tone: 'pending' },
  sent: { mark: '✓', tone: 'sent' },
  delivered: { mark: '✓✓', tone: 'delivered' },
  read: { mark: '✓✓', tone: 'read' },
  failed: { mark: '⚠', tone: 'failed' },
  undelivered: { mark: '⚠', tone: 'failed' },
};

/**
 * Why a message failed, once: the catalogue's plain reason for a known provider code (`inbox.delivery.errors`, the same
 * for a refused send and a failed or undelivered status callback; server/whatsapp/error-codes), else the provider's
 * own words, else ours; then the code, once. `detail` is the provider's text where it adds to a plain reason.
 */
function failureReason(message: Pick<MessageView, 'errorCode' | 'errorMessage'>, i18n: Translator): { reason: string; detail?: string } {
  const plain: Record<string, string> = i18n.messages.inbox.delivery.errors;
  const code = message.errorCode ? String(message.errorCode) : undefined;
  const known = code !== undefined && Object.hasOwn(plain, code) ? plain[code] : undefined;
  const said = message.errorMessage?.trim() || undefined;
  const reason = known ?? said ?? i18n.t('inbox.delivery.notAccepted');
  return {
    reason: code ? i18n.t('inbox.delivery.withCode', { reason, code }) : reason,
    detail: known && said ? i18n.t('inbox.delivery.detail', { detail: said }) : undefined,
  };
}

/** ✓ sent, ✓✓ delivered, blue ✓✓ read, ⚠ failed with the reason visible and in the title. */
export function DeliveryTicks({ message, i18n }: { message: Pick<MessageView, 'status' | 'errorCode' | 'errorMessage'>; i18n: Translator }) {
  const tick = TICKS[message.status];
  const label = i18n.messages.inbox.ticks[message.status];
  if (tick.tone === 'none') return '';
  if (tick.tone === 'failed') {
    const { reason, detail } = failureReason(message, i18n);
    const text = i18n.t('inbox.delivery.failedAs', { label, reason });
    return (
      <span class="ticks ticks-failed" title={detail ?? text} role="status">
        <span aria-hidden="true" safe>
          {tick.mark}
        </span>{' '}
        <span safe>{text}</span>
      </span>
    );
  }
  return (
    <span class={`ticks ticks-${tick.tone}`} title={label}>
      <span aria-hidden="true" safe>
        {tick.mark}
      </span>
      <span class="visually-hidden" safe>
        {label}
      </span>
    </span>
  );
}

function senderLabel(message: MessageView, i18n: Translator): string | undefined {
  if (message.sender === 'bot') return i18n.t('inbox.chat.bot');
  if (message.sender === 'recruiter') return message.authorName ?? i18n.t('inbox.chat.recruiter');
  return undefined;
}

/** Stable id `msg-<id>`; `oob` marks it for an out-of-band outerHTML replacement; `csrf` only on the page, never in pushes. */
export function MessageBubble({ message, i18n, oob = false, csrf }: { message: MessageView; i18n: Translator; oob?: boolean; csrf?: string }) {
  const author = senderLabel(message, i18n);
  const failed = isTerminal(message.status);
  return (
    <li id={`msg-${message.id}`} class={`msg from-${message.sender}${failed ? ' is-failed' : ''}`} hx-swap-oob={oob ? 'true' : undefined}>
      <div class="bubble-box">
        {author ? (
          <span class="msg-author" safe>
            {author}
          </span>
        ) : (
          ''
        )}
        <Quote quoted={message.quoted} i18n={i18n} />
        <KindBody message={message} csrf={csrf} i18n={i18n} />
        <Reactions reactions={message.reactions} i18n={i18n} />
        <span class="msg-foot">
          <time datetime={message.createdAt.toISOString()} title={i18n.dateTime(message.createdAt)} safe>
            {clockTime(message.createdAt, i18n)}
          </time>
          {message.sender === 'aspirant' ? '' : <DeliveryTicks message={message} i18n={i18n} />}
        </span>
      </div>
    </li>
  );
}

/** A new message at the end of `#chat-log-<conversationId>` (idempotent: never shown twice). */
export function MessageAppend({ conversationId, message, i18n }: { conversationId: number; message: MessageView; i18n: Translator }) {
  return (
    <UpsertPush id={`msg-${message.id}`} into={`chat-log-${conversationId}`} position="beforeend">
      <MessageBubble message={message} i18n={i18n} />
    </UpsertPush>
  );
}

/** Replaces `msg-<id>` in place: delivery ticks, failure reasons, media that finished downloading. */
export function MessageReplace({ message, i18n }: { message: MessageView; i18n: Translator }) {
  return <MessageBubble message={message} i18n={i18n} oob />;
}

/** A day's heading in the log: an item of the list like the messages (a list holds only items: WCAG 1.3.1). */
export function DaySeparator({ conversationId, date, now, i18n }: { conversationId: number; date: Date; now: Date; i18n: Translator }) {
  return (
    <li id={`day-${conversationId}-${dayKey(date, i18n)}`} class="day-sep">
      <time datetime={dayKey(date, i18n)} safe>
        {dayLabel(date, now, i18n)}
      </time>
    </li>
  );
}

/** First item of the log; htmx swaps it for the older page's items (taken from the same page URL with `?before=`). */
export function LoadOlder({ conversationId, cursor, i18n, query = '' }: { conversationId: number; cursor: string; i18n: Translator; query?: string }) {
  const params = new URLSearchParams(query);
  params.set('before', cursor);
  const href = `/inbox/${conversationId}?${params.toString()}`;
  return (
    <li id={`load-older-${conversationId}`} class="load-older">
      <a href={href} hx-get={href} hx-select={`#chat-log-${conversationId} > li`} hx-target={`#load-older-${conversationId}`} hx-swap="outerHTML" safe>
        {i18n.t('inbox.chat.loadOlder')}
      </a>
    </li>
  );
}

export interface ChatLogProps {
  conversationId: number;
  messages: MessageView[];
  i18n: Translator;
  olderCursor?: string;
  /** The list filters' query string, kept on "load older" links. */
  query?: string;
  now?: Date;
  /** The viewer's CSRF token, for the no-JavaScript fallback of forms in the log. */
  csrf?: string;
}

/** Messages oldest first, with a separator at each new calendar day. */
export function ChatLog({ conversationId, messages, i18n, olderCursor, query, now = new Date(), csrf }: ChatLogProps) {
  let lastDay = '';
  return (
    <ol id={`chat-log-${conversationId}`} class="chat-log" aria-live="polite" aria-label={i18n.t('inbox.chat.messages')}>
      {olderCursor ? <LoadOlder conversationId={conversationId} cursor={olderCursor} query={query} i18n={i18n} /> : ''}
      {messages.map((message) => {
        const day = dayKey(message.createdAt, i18n);
        const separator = day === lastDay ? '' : <DaySeparator conversationId={conversationId} date={message.createdAt} now={now} i18n={i18n} />;
        lastDay = day;
        return (
          <>
            {separator}
            <MessageBubble message={message} csrf={csrf} i18n={i18n} />
          </>
        );
      })}
    </ol>
  );
}
