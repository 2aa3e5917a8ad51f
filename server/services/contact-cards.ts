/**
 * @module server/services/contact-cards — the cards of the contact messages about to be shown: read from the vCards
 * she shared (stored media, read back from the blob store, at most MAX_VCARD_BYTES each) or sent inline, at the time a
 * page or a push is built, so a card shows as soon as its file is stored.
 */
import { MAX_VCARD_BYTES, parseContactCards } from '../../views/inbox/contact-cards';
import type { ContactCardView, MessageView } from '../../views/inbox/types';
import type { Db } from '../db/client';
import { mediaOwner } from '../db/queries/chat';
import type { BlobStore } from '../storage';

/** One stored vCard file's cards; none when it is gone, too large or not a vCard (the bubble then offers the file). */
async function cardsOfFile(db: Db, blobs: BlobStore, mediaId: number): Promise<ContactCardView[]> {
  const owner = await mediaOwner(db, mediaId);
  if (!owner?.blobKey || owner.state !== 'stored') return [];
  const head = await blobs.head(owner.blobKey);
  if (!head || head.size > MAX_VCARD_BYTES) return [];
  const blob = await blobs.get(owner.blobKey);
  return blob ? parseContactCards(new TextDecoder().decode(blob.bytes)) : [];
}

/** The views, each contact message with its `cards` (when any could be read). */
export async function withContactCards(db: Db, blobs: BlobStore, views: MessageView[]): Promise<MessageView[]> {
  return Promise.all(
    views.map(async (view) => {
      if (view.content?.kind !== 'contacts') return view;
      const inline = (view.content.vcards ?? []).flatMap(parseContactCards);
      const files = await Promise.all(view.media.filter((item) => item.state === 'stored').map((item) => cardsOfFile(db, blobs, item.id)));
      const cards = [...inline, ...files.flat()];
      return cards.length ? { ...view, cards } : view;
    }),
  );
}
