/** @module views/inbox/messages — chat bubbles, delivery ticks, media, day separators and "load older". */
import { isTerminal, type MediaKind } from '../../actors/vocabulary';
import { CsrfField } from './csrf-field';
import { UpsertPush } from './oob';
import { clockTime, dateTime, dayKey, dayLabel } from './format';
import type { DeliveryStatus, MediaView, MessageView } from './types';

const TICKS: Record<DeliveryStatus, { mark: string; label: string; tone: string }> = {
  received: { mark: '', label: 'Received', tone: 'none' },
  queued: { mark: '🕓', label: 'Queued', tone: 'pending' },
  sending: { mark: '🕓', label: 'Sending', tone: 'pending' },
  sent: { mark: '✓', label: 'Sent', tone: 'sent' },
  delivered: { mark: '✓✓', label: 'Delivered', tone: 'delivered' },
  read: { mark: '✓✓', label: 'Read', tone: 'read' },
  failed: { mark: '⚠', label: 'Failed', tone: 'failed' },
  undelivered: { mark: '⚠', label: 'Not delivered', tone: 'failed' },
};

function failureReason(message: Pick<MessageView, 'errorCode' | 'errorMessage'>): string {
  const reason = message.errorMessage?.trim() || 'WhatsApp did not accept the message';
  return message.errorCode ? `${reason} (error ${message.errorCode})` : reason;
}

/** ✓ sent, ✓✓ delivered, blue ✓✓ read, ⚠ failed with the reason visible and in the title. */
export function DeliveryTicks({ message }: { message: Pick<MessageView, 'status' | 'errorCode' | 'errorMessage'> }) {
  const tick = TICKS[message.status];
  if (tick.tone === 'none') return '';
  if (tick.tone === 'failed') {
    const reason = failureReason(message);
    return (
      <span class="ticks ticks-failed" title={`${tick.label}: ${reason}`} role="status">
        <span aria-hidden="true" safe>
          {tick.mark}
        </span>{' '}
        <span safe>{`${tick.label}: ${reason}`}</span>
      </span>
    );
  }
  return (
    <span class={`ticks ticks-${tick.tone}`} title={tick.label}>
      <span aria-hidden="true" safe>
        {tick.mark}
      </span>
      <span class="visually-hidden" safe>
        {tick.label}
      </span>
    </span>
  );
}

const KIND_LABELS: Record<MediaKind, string> = { image: 'Photo', video: 'Video', audio: 'Audio', document: 'Document' };

/**
 * "Retry download" on media that could not be fetched. The server answers with no fragment: the bubble is pushed
 * again once the new attempt has stored the file or failed. Pushed bubbles carry no CSRF field (they go to many
 * recruiters); htmx sends the token from the app root either way.
 */
function RetryMedia({ mediaId, csrf }: { mediaId: number; csrf?: string }) {
  const action = `/media/${mediaId}/retry`;
  return (
    <form class="media-retry" method="post" action={action} hx-post={action} hx-swap="none" hx-disable="find button">
      <CsrfField csrf={csrf} />
      <button type="submit" class="link-button">
        Retry download
      </button>
    </form>
  );
}

/** One attachment: downloading, unavailable (with the reason and a retry), an inline photo or a file link. */
export function MediaItem({ media, csrf }: { media: MediaView; csrf?: string }) {
  const label = media.kind ? KIND_LABELS[media.kind] : 'Attachment';
  if (media.state === 'pending') return <span class="media media-pending" safe>{`${label} — downloading…`}</span>;
  if (media.state === 'unavailable') {
    return (
      <span class="media media-unavailable">
        <span safe>{`${label} unavailable${media.error ? `: ${media.error}` : ''}`}</span>
        <RetryMedia mediaId={media.id} csrf={csrf} />
      </span>
    );
  }
  const href = `/media/${media.id}`;
  if (media.kind === 'image') {
    return (
      <a class="media media-image" href={href} target="_blank" rel="noopener">
        <img src={href} alt="Photo sent by the aspirant" loading="lazy" />
      </a>
    );
  }
  return (
    <a class="media media-file" href={href} target="_blank" rel="noopener">
      <span class="media-icon" aria-hidden="true">
        {media.kind === 'audio' ? '🎵' : media.kind === 'video' ? '🎬' : '📄'}
      </span>
      <span safe>{label}</span>
      {media.contentType ? (
        <span class="muted" safe>
          {media.contentType}
        </span>
      ) : (
        ''
      )}
    </a>
  );
}

function senderLabel(message: MessageView): string | undefined {
  if (message.sender === 'bot') return 'Bot';
  if (message.sender === 'recruiter') return message.authorName ?? 'Recruiter';
  return undefined;
}

/** Stable id `msg-<id>`; `oob` marks it for an out-of-band outerHTML replacement; `csrf` only on the page, never in pushes. */
export function MessageBubble({ message, oob = false, csrf }: { message: MessageView; oob?: boolean; csrf?: string }) {
  const author = senderLabel(message);
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
        {message.media.length > 0 ? (
          <div class="msg-media">
            {message.media.map((media) => (
              <MediaItem media={media} csrf={csrf} />
            ))}
          </div>
        ) : (
          ''
        )}
        {message.body ? (
          <p class="msg-body" safe>
            {message.body}
          </p>
        ) : (
          ''
        )}
        <span class="msg-foot">
          <time datetime={message.createdAt.toISOString()} title={dateTime(message.createdAt)} safe>
            {clockTime(message.createdAt)}
          </time>
          {message.sender === 'aspirant' ? '' : <DeliveryTicks message={message} />}
        </span>
      </div>
    </li>
  );
}

/** A new message at the end of `#chat-log-<conversationId>` (idempotent: never shown twice). */
export function MessageAppend({ conversationId, message }: { conversationId: number; message: MessageView }) {
  return (
    <UpsertPush id={`msg-${message.id}`} into={`chat-log-${conversationId}`} position="beforeend">
      <MessageBubble message={message} />
    </UpsertPush>
  );
}

/** Replaces `msg-<id>` in place: delivery ticks, failure reasons, media that finished downloading. */
export function MessageReplace({ message }: { message: MessageView }) {
  return <MessageBubble message={message} oob />;
}

/** A day's heading in the log: an item of the list like the messages (a list holds only items: WCAG 1.3.1). */
export function DaySeparator({ conversationId, date, now }: { conversationId: number; date: Date; now: Date }) {
  return (
    <li id={`day-${conversationId}-${dayKey(date)}`} class="day-sep">
      <time datetime={dayKey(date)} safe>
        {dayLabel(date, now)}
      </time>
    </li>
  );
}

/** First item of the log; htmx swaps it for the older page's items (taken from the same page URL with `?before=`). */
export function LoadOlder({ conversationId, cursor, query = '' }: { conversationId: number; cursor: string; query?: string }) {
  const params = new URLSearchParams(query);
  params.set('before', cursor);
  const href = `/inbox/${conversationId}?${params.toString()}`;
  return (
    <li id={`load-older-${conversationId}`} class="load-older">
      <a href={href} hx-get={href} hx-select={`#chat-log-${conversationId} > li`} hx-target={`#load-older-${conversationId}`} hx-swap="outerHTML">
        Load older messages
      </a>
    </li>
  );
}

export interface ChatLogProps {
  conversationId: number;
  messages: MessageView[];
  olderCursor?: string;
  /** The list filters' query string, kept on "load older" links. */
  query?: string;
  now?: Date;
  /** The viewer's CSRF token, for the no-JavaScript fallback of forms in the log. */
  csrf?: string;
}

/** Messages oldest first, with a separator at each new calendar day. */
export function ChatLog({ conversationId, messages, olderCursor, query, now = new Date(), csrf }: ChatLogProps) {
  let lastDay = '';
  return (
    <ol id={`chat-log-${conversationId}`} class="chat-log" aria-live="polite" aria-label="Messages">
      {olderCursor ? <LoadOlder conversationId={conversationId} cursor={olderCursor} query={query} /> : ''}
      {messages.map((message) => {
        const day = dayKey(message.createdAt);
        const separator = day === lastDay ? '' : <DaySeparator conversationId={conversationId} date={message.createdAt} now={now} />;
        lastDay = day;
        return (
          <>
            {separator}
            <MessageBubble message={message} csrf={csrf} />
          </>
        );
      })}
    </ol>
  );
}
