/** @module views/inbox/media-item — one attachment of a bubble: downloading, unavailable with a retry, or stored (a photo, a sticker, a player, a file to download). */
import { withoutBidiControls } from '../../actors/conversation/message-kinds';
import type { MessageContent } from '../../actors/conversation/message-kinds';
import type { MediaKind } from '../../actors/vocabulary';
import type { Translator } from '../i18n';
import { CsrfField } from './csrf-field';
import { fileSize } from './format';
import type { MediaView } from './types';

/**
 * "Retry download" on media that could not be fetched. The server answers with no fragment: the bubble is pushed
 * again once the new attempt has stored the file or failed. Pushed bubbles carry no CSRF field (they go to many
 * recruiters); htmx sends the token from the app root either way.
 */
function RetryMedia({ mediaId, csrf, i18n }: { mediaId: number; csrf?: string; i18n: Translator }) {
  const action = `/media/${mediaId}/retry`;
  return (
    <form class="media-retry" method="post" action={action} hx-post={action} hx-swap="none" hx-disable="find button">
      <CsrfField csrf={csrf} />
      <button type="submit" class="link-button" safe>
        {i18n.t('inbox.media.retry')}
      </button>
    </form>
  );
}

/** One attachment: downloading, unavailable (with the reason and a retry), or as stored; `content` says what it was sent as. */
export function MediaItem({ media, content = { kind: 'text' }, csrf, i18n }: { media: MediaView; content?: MessageContent; csrf?: string; i18n: Translator }) {
  const label = labelOf(media, content, i18n);
  // A minor's photo or video before her guardian authorised (Law 1581 Art. 7): not even a link to it.
  if (media.held)
    return (
      <span class="media media-held" safe>
        {i18n.t(media.kind === 'video' ? 'privacy.minors.held.video' : 'privacy.minors.held.image')}
      </span>
    );
  if (media.state === 'pending')
    return (
      <span class="media media-pending" safe>
        {i18n.t('inbox.media.downloading', { label })}
      </span>
    );
  if (media.state === 'unavailable') {
    return (
      <span class="media media-unavailable">
        {/* Her words in her language; the technical reason (the worker's, often the network's, in English) on hover. */}
        <span title={media.error || undefined} safe>
          {media.error ? i18n.t('inbox.media.unavailableBecause', { label }) : i18n.t('inbox.media.unavailable', { label })}
        </span>
        <RetryMedia mediaId={media.id} csrf={csrf} i18n={i18n} />
      </span>
    );
  }
  return <StoredMedia item={media} content={content} label={label} i18n={i18n} />;
}

/** The kind of an attachment as a player or a file: by what it was sent as, then by its type. */
function playerOf(item: MediaView, content: MessageContent): 'image' | 'sticker' | 'audio' | 'video' | 'file' {
  const type = item.contentType?.split(';')[0]!.trim().toLowerCase() ?? '';
  if (content.kind === 'sticker') return 'sticker';
  if (item.kind === 'image' && type !== 'image/svg+xml') return 'image';
  if (item.kind === 'audio' || type.startsWith('audio/')) return 'audio';
  if (item.kind === 'video' || type.startsWith('video/')) return 'video';
  return 'file';
}

function Player({ tag, href, label, i18n }: { tag: 'audio' | 'video'; href: string; label: string; i18n: Translator }) {
  const fallback = (
    <>
      <span safe>{i18n.t('inbox.kinds.playerFallback')}</span>{' '}
      <a href={href} safe>
        {i18n.t('inbox.kinds.download')}
      </a>
    </>
  );
  return tag === 'audio' ? (
    <span class="media-voice">
      <span class="media-voice-label" aria-hidden="true" safe>
        {`🎤 ${label}`}
      </span>
      <audio class="media media-audio" controls="" preload="metadata" src={href} aria-label={label}>
        {fallback}
      </audio>
    </span>
  ) : (
    <video class="media media-video" controls src={href} aria-label={label}>
      {fallback}
    </video>
  );
}

/** A stored file as she would see it in WhatsApp; `label` is its kind in the reader's words. */
export function StoredMedia({ item, content, label, i18n }: { item: MediaView; content: MessageContent; label: string; i18n: Translator }) {
  const href = `/media/${item.id}`;
  const player = playerOf(item, content);
  if (player === 'image' || player === 'sticker') {
    const alt = player === 'sticker' ? i18n.t('inbox.kinds.stickerAlt') : i18n.t('inbox.media.photoAlt');
    return (
      <a class={`media media-${player}`} href={href} target="_blank" rel="noopener">
        <img src={href} alt={alt} loading="lazy" />
      </a>
    );
  }
  if (player === 'audio' || player === 'video') return <Player tag={player} href={href} label={label} i18n={i18n} />;
  // Names stored before bidi controls were removed at parse time are cleaned here too.
  const name = (content.kind === 'document' && withoutBidiControls(content.fileName ?? '').trim()) || label;
  const size = item.size === undefined ? undefined : fileSize(item.size, i18n);
  return (
    <a class="media media-file" href={href} download="" title={size ? i18n.t('inbox.kinds.fileLabel', { name, size }) : undefined}>
      <span class="media-icon" aria-hidden="true">
        📄
      </span>
      <span class="media-name" safe>
        {name}
      </span>
      {size ? (
        <span class="muted" safe>
          {size}
        </span>
      ) : (
        ''
      )}
    </a>
  );
}

/** What a file is in the reader's words: what it was sent as (a voice note, a sticker, a contact), else its kind (known once downloaded). */
function labelOf(media: MediaView, content: MessageContent, i18n: Translator): string {
  if (content.kind === 'audio' && content.voice) return i18n.t('inbox.kinds.voice');
  if (content.kind === 'sticker' || content.kind === 'contacts') return i18n.t(`inbox.kinds.${content.kind}`);
  const sent = content.kind === 'image' || content.kind === 'video' || content.kind === 'audio' || content.kind === 'document' ? content.kind : undefined;
  return mediaLabel(media.kind ?? sent, i18n);
}

/** A kind of attachment in the reader's language ("Foto"), or "Adjunto" when the kind is not known. */
export function mediaLabel(kind: MediaKind | undefined, i18n: Translator): string {
  return kind ? i18n.messages.inbox.media[kind] : i18n.t('inbox.media.attachment');
}
