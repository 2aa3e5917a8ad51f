/** @module test/support/bot — inbound messages, a complete form profile and an app on a movable clock, for bot tests. */
import { contentFromMedia } from '../../actors/conversation/message-kinds';
import type { FormProfile } from '../../actors/conversation/types';
import type { InboundMessage } from '../../server/whatsapp/inbound-parse';
import { testApp } from './app';
let sids = 0;

export function inbound(from: string, body: string, media: InboundMessage['media'] = []): InboundMessage {
  const sid = `SM${(++sids).toString(16).padStart(32, '0')}`;
  return { messageSid: sid, from: { phone: from }, body, media, content: contentFromMedia(media), raw: {}, profileName: 'Valentina' };
}

export const PROFILE: FormProfile = {
  firstName: 'Valentina',
  lastName: 'Gómez',
  email: 'vale@example.co',
  location: 'Medellín',
  preferredModelingTypes: ['Runway', 'Commercial'],
  hasKids: false,
  preferredShift: 'afternoon',
  unavailableShifts: ['morning'],
  locale: 'es',
  birthDate: '1998-05-14',
  minor: false,
  consent: true,
  // hasKids is kept only under the `children` authorisation (Law 1581 Art. 6); `photos` lets the bot ask for her photo.
  sensitiveConsents: ['photos', 'children'],
};

/** A test app on a clock the test moves; timers are fired by hand (no sleeping). */
export async function botApp(driver: 'pglite' | 'postgres' = 'pglite') {
  const clock = { now: Date.UTC(2026, 10, 27, 14, 0, 0) };
  const t = await testApp(driver, { overrides: { now: () => clock.now, timerPollMs: 0 } });
  return { t, clock };
}
