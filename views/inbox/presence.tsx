/** @module views/inbox/presence — who else is looking at (or typing in) a conversation. */
import type { Translator } from '../i18n';
import type { PresenceView } from './types';

function sentence(people: PresenceView[], i18n: Translator): string {
  const typing = people.filter((person) => person.typing).map((person) => person.name);
  const viewing = people.filter((person) => !person.typing).map((person) => person.name);
  const parts: string[] = [];
  if (typing.length > 0) parts.push(i18n.t('inbox.presence.typing', { names: listNames(typing, i18n), count: typing.length }));
  if (viewing.length > 0) parts.push(i18n.t('inbox.presence.viewing', { names: listNames(viewing, i18n), count: viewing.length }));
  return parts.join(' · ');
}

/** "Ana y Luis", "Ana, Luis y 2 más": Intl.ListFormat joins names in the reader's language. */
function listNames(names: string[], i18n: Translator): string {
  const list = new Intl.ListFormat(i18n.locale, { style: 'long', type: 'conjunction' });
  if (names.length <= 2) return list.format(names);
  return i18n.t('inbox.presence.more', { names: names.slice(0, 2).join(', '), count: names.length - 2 });
}

/** Stable id `presence-<conversationId>`; renders empty when nobody else is there, so a push always has a target. */
export interface PresenceProps {
  conversationId: number;
  people: PresenceView[];
  i18n: Translator;
  /** Left out of the sentence: nobody needs to read that they are viewing. */
  viewerId?: number;
  oob?: boolean;
}

export function Presence({ conversationId, people: everyone, i18n, viewerId, oob = false }: PresenceProps) {
  const people = everyone.filter((person) => person.userId === undefined || person.userId !== viewerId);
  const typing = people.some((person) => person.typing);
  return (
    <p id={`presence-${conversationId}`} class={typing ? 'presence is-typing' : 'presence'} aria-live="polite" hx-swap-oob={oob ? 'true' : undefined} safe>
      {sentence(people, i18n)}
    </p>
  );
}

/** One push per receiving tab when `viewerId` is given (each recruiter sees the others); without it everyone gets one list. */
export function PresencePush(props: Omit<PresenceProps, 'oob'>) {
  return <Presence {...props} oob />;
}
