/** @module views/inbox/presence — who else is looking at (or typing in) a conversation. */
import type { PresenceView } from './types';

function sentence(people: PresenceView[]): string {
  const typing = people.filter((person) => person.typing).map((person) => person.name);
  const viewing = people.filter((person) => !person.typing).map((person) => person.name);
  const parts: string[] = [];
  if (typing.length > 0) parts.push(`${listNames(typing)} ${typing.length === 1 ? 'is' : 'are'} typing…`);
  if (viewing.length > 0) parts.push(`${listNames(viewing)} ${viewing.length === 1 ? 'is' : 'are'} viewing`);
  return parts.join(' · ');
}

function listNames(names: string[]): string {
  if (names.length <= 2) return names.join(' and ');
  return `${names.slice(0, 2).join(', ')} and ${names.length - 2} more`;
}

/** Stable id `presence-<conversationId>`; renders empty when nobody else is there, so a push always has a target. */
export interface PresenceProps {
  conversationId: number;
  people: PresenceView[];
  /** Left out of the sentence: nobody needs to read that they are viewing. */
  viewerId?: number;
  oob?: boolean;
}

export function Presence({ conversationId, people: everyone, viewerId, oob = false }: PresenceProps) {
  const people = everyone.filter((person) => person.userId === undefined || person.userId !== viewerId);
  const typing = people.some((person) => person.typing);
  return (
    <p id={`presence-${conversationId}`} class={typing ? 'presence is-typing' : 'presence'} aria-live="polite" hx-swap-oob={oob ? 'true' : undefined} safe>
      {sentence(people)}
    </p>
  );
}

/** One push per receiving tab when `viewerId` is given (each recruiter sees the others); without it everyone gets one list. */
export function PresencePush(props: Omit<PresenceProps, 'oob'>) {
  return <Presence {...props} oob />;
}
