/**
 * @module views/inbox/message-kinds — what a bubble shows for each kind of message (actors/conversation/message-kinds):
 * players for voice notes and videos, a download for documents, a small sticker, a map link for a place, a contact's
 * name and numbers, a tapped button's title, the quoted message of a reply, reactions on the message they react to, a
 * muted note for WhatsApp's notices and what we cannot show. Every file is served by GET /media/:id.
 */
import type { ContactsContent, InteractiveContent, LocationContent, MessageContent } from '../../actors/conversation/message-kinds';
import { firstCharacters } from '../../actors/conversation/characters';
import type { Translator } from '../i18n';
import { MediaItem } from './media-item';
import type { ContactCardView, MessageView } from './types';

/** How much of a quoted message the quote shows, in characters. */
const QUOTE_CHARACTERS = 160;

/**
 * A place on OpenStreetMap: it opens in any browser and on any phone, needs no key, and shows the pin (`mlat`/`mlon`);
 * a `geo:` link does nothing on most desktops, where recruiters work.
 */
export function mapUrl(latitude: number, longitude: number): string | undefined {
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude) || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return undefined;
  return `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=17/${latitude}/${longitude}`;
}

export function Location({ place, i18n }: { place: LocationContent; i18n: Translator }) {
  const href = mapUrl(place.latitude, place.longitude);
  const coordinates = i18n.t('inbox.kinds.coordinates', { latitude: String(place.latitude), longitude: String(place.longitude) });
  const name = place.label?.trim() || place.address?.trim() || coordinates;
  return (
    <div class="msg-location">
      {href ? (
        <a href={href} target="_blank" rel="noopener noreferrer" title={i18n.t('inbox.kinds.mapLink')}>
          <span aria-hidden="true">📍</span> <span safe>{name}</span>
        </a>
      ) : (
        <span safe>{name}</span>
      )}
      {place.address?.trim() && place.address.trim() !== name ? (
        <span class="muted" safe>
          {place.address}
        </span>
      ) : (
        ''
      )}
    </div>
  );
}

function ContactCard({ card, i18n }: { card: ContactCardView; i18n: Translator }) {
  return (
    <div class="contact-card">
      <span class="contact-name">
        <span aria-hidden="true">👤</span> <span safe>{card.name || i18n.t('inbox.kinds.noName')}</span>
      </span>
      {card.phones.map((phone) => (
        <span class="contact-phone">
          <a href={`tel:${phone.dial}`} title={i18n.t('inbox.kinds.call', { number: phone.number })} safe>
            {phone.number}
          </a>
          <button type="button" class="link-button" data-copy={phone.dial} data-copied={i18n.t('inbox.kinds.copied')} aria-label={i18n.t('inbox.kinds.copyLabel', { number: phone.number })} safe>
            {i18n.t('inbox.kinds.copy')}
          </button>
        </span>
      ))}
    </div>
  );
}

/** A contact message: its cards once read, else its file (downloading, unavailable with a retry, or to download). */
export function Contacts({ message, content, i18n, csrf }: { message: MessageView; content: ContactsContent; i18n: Translator; csrf?: string }) {
  if (message.cards?.length)
    return (
      <div class="msg-media">
        {message.cards.map((card) => (
          <ContactCard card={card} i18n={i18n} />
        ))}
      </div>
    );
  // A contact shared with no card attached (nothing to read): say what it was rather than show an empty bubble.
  if (message.media.length === 0) {
    return (
      <p class="msg-note muted" safe>
        {`👤 ${i18n.t('inbox.kinds.contactWithoutCard')}`}
      </p>
    );
  }
  return <MediaList message={message} content={content} i18n={i18n} csrf={csrf} />;
}

/** The message's files, each as its state allows. */
function MediaList({ message, content, i18n, csrf }: { message: MessageView; content: MessageContent; i18n: Translator; csrf?: string }) {
  if (message.media.length === 0) return '';
  return (
    <div class="msg-media">
      {message.media.map((media) => (
        <MediaItem media={media} content={content} csrf={csrf} i18n={i18n} />
      ))}
    </div>
  );
}

/** A tapped button or list row: its title (the message's text), the payload we gave it on hover. */
export function Choice({ body, content, i18n }: { body: string; content: InteractiveContent; i18n: Translator }) {
  return (
    <p class="msg-body msg-choice" title={content.payload ? i18n.t('inbox.kinds.payload', { payload: content.payload }) : undefined}>
      <span class="msg-choice-kind" safe>
        {i18n.t(content.reply === 'list' ? 'inbox.kinds.list' : 'inbox.kinds.button')}
      </span>{' '}
      <span safe>{body}</span>
      {content.description ? (
        <span class="muted msg-choice-description" safe>
          {content.description}
        </span>
      ) : (
        ''
      )}
    </p>
  );
}

/** WhatsApp's notices, what we cannot show, and a reaction to a message we do not have: a muted line, not her words. */
export function Note({ content, i18n }: { content: MessageContent; i18n: Translator }) {
  let text: string;
  if (content.kind === 'system') text = i18n.t('inbox.kinds.systemNote');
  else if (content.kind === 'reaction') text = content.emoji ? i18n.t('inbox.kinds.reactedTo', { emoji: content.emoji }) : i18n.t('inbox.kinds.reactionRemoved');
  else if (content.kind === 'unsupported' && content.providerType) text = i18n.t('inbox.kinds.unsupportedNote', { type: content.providerType });
  else text = i18n.t('inbox.kinds.unsupportedPlain');
  return (
    <p class="msg-note" safe>
      {text}
    </p>
  );
}

/** The message a reply quotes, above the reply; a muted line when that message is not ours to show. */
export function Quote({ quoted, i18n }: { quoted: MessageView['quoted']; i18n: Translator }) {
  if (quoted === undefined) return '';
  if (quoted === null)
    return (
      <p class="msg-quote msg-quote-missing" safe>
        {i18n.t('inbox.kinds.quotedMissing')}
      </p>
    );
  const text = quoted.body.trim() ? firstCharacters(quoted.body.trim(), QUOTE_CHARACTERS) : i18n.t('inbox.kinds.quotedMedia');
  return (
    <blockquote class="msg-quote">
      <span class="visually-hidden" safe>
        {i18n.t('inbox.kinds.quoted')}
      </span>
      <span class="msg-quote-from" safe>
        {i18n.messages.inbox.kinds.quotedFrom[quoted.sender]}
      </span>
      <span class="msg-quote-text" safe>
        {text}
      </span>
    </blockquote>
  );
}

/** The reactions on a message, under it as in WhatsApp. */
export function Reactions({ reactions, i18n }: { reactions: MessageView['reactions']; i18n: Translator }) {
  if (!reactions?.length) return '';
  const emoji = reactions.map((reaction) => reaction.emoji).join(' ');
  return (
    <span class="msg-reactions">
      <span aria-hidden="true" safe>
        {emoji}
      </span>
      <span class="visually-hidden" safe>
        {i18n.t('inbox.kinds.reactions', { emoji })}
      </span>
    </span>
  );
}

/** What the bubble says, by kind: its files or its place or its cards, and its text. */
export function KindBody({ message, i18n, csrf }: { message: MessageView; i18n: Translator; csrf?: string }) {
  const content: MessageContent = message.content ?? { kind: 'text' };
  const text = message.body ? (
    <p class="msg-body" safe>
      {message.body}
    </p>
  ) : (
    ''
  );
  switch (content.kind) {
    case 'location':
      return (
        <>
          <Location place={content} i18n={i18n} />
          {text}
        </>
      );
    case 'contacts':
      return (
        <>
          <Contacts message={message} content={content} i18n={i18n} csrf={csrf} />
          {text}
        </>
      );
    case 'interactive':
      return <Choice body={message.body} content={content} i18n={i18n} />;
    case 'system':
    case 'unsupported':
    case 'reaction':
      return (
        <>
          <Note content={content} i18n={i18n} />
          <MediaList message={message} content={content} i18n={i18n} csrf={csrf} />
          {content.kind === 'reaction' ? '' : text}
        </>
      );
    default:
      return (
        <>
          <MediaList message={message} content={content} i18n={i18n} csrf={csrf} />
          {text}
        </>
      );
  }
}
