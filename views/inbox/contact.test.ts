/** @module views/inbox/contact.test — her number where there is one, else her username, profile name or masked BSUID. */
import { describe, expect, test } from 'bun:test';
import { bsuidOf, contactLabel, maskBsuid, personName, phoneOf } from './contact';

const B = 'CO.1502576394655843';

describe('who she is, where the inbox showed her number', () => {
  test('phone, else @username, else profile name, else masked BSUID', () => {
    expect(contactLabel({ key: '+573001112233', phone: '+573001112233', username: 'vale', whatsappName: 'Vale' })).toBe('+573001112233');
    expect(contactLabel({ key: B, phone: '+573001112233', username: 'vale' })).toBe('+573001112233');
    expect(contactLabel({ key: B, bsuid: B, username: 'vale', whatsappName: 'Vale' })).toBe('@vale');
    expect(contactLabel({ key: B, bsuid: B, whatsappName: 'Vale' })).toBe('Vale');
    expect(contactLabel({ key: B, bsuid: B })).toBe('CO.…5843');
    // A row with only its key (made before phones were kept apart): the key is read for what it is.
    expect(contactLabel({ key: '+573001112233' })).toBe('+573001112233');
    expect(contactLabel({ key: 'US.ENT.11815799212886844830' })).toBe('US.ENT.…4830');
  });

  test('the parts and the name', () => {
    expect(phoneOf({ key: B, bsuid: B })).toBeUndefined();
    expect(bsuidOf({ key: '+573001112233', phone: '+573001112233' })).toBeUndefined();
    expect(bsuidOf({ key: B })).toBe(B);
    expect(maskBsuid('CO.12345')).toBe('CO.12345');
    expect(personName({ key: B, bsuid: B, username: 'vale', firstName: 'Valentina', lastName: 'Gómez' })).toBe('Valentina Gómez');
    expect(personName({ key: B, bsuid: B, username: 'vale', whatsappName: 'Vale' })).toBe('Vale');
    expect(personName({ key: B, bsuid: B, username: 'vale' })).toBe('@vale');
  });
});
