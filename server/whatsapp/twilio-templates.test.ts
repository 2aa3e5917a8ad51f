/** @module server/whatsapp/twilio-templates.test — a Content resource with its WhatsApp approval as a ProviderTemplate. */
import { describe, expect, test } from 'bun:test';
import { toProviderTemplate, type ContentAndApproval } from './twilio-templates';

const SID = `HX${'5f'.repeat(16)}`;

describe('Content API templates', () => {
  test('a twilio/text template, approval flat as Twilio documents it: its body, placeholders and default variables, status and category lower-cased', () => {
    const content: ContentAndApproval = {
      sid: SID,
      friendlyName: 'seguimiento_1',
      language: 'es',
      variables: { 1: 'Nombre', 3: 'Enlace' },
      types: { 'twilio/text': { body: 'Hola {{1}}, ¿seguimos el {{2}}?' } },
      approvalRequests: { name: 'seguimiento_1', category: 'UTILITY', content_type: 'twilio/text', status: 'APPROVED', rejection_reason: '', allow_category_change: true },
    };
    expect(toProviderTemplate(content)).toEqual({
      ref: SID,
      name: 'seguimiento_1',
      language: 'es',
      category: 'utility',
      status: 'approved',
      body: 'Hola {{1}}, ¿seguimos el {{2}}?',
      variables: ['1', '2', '3'],
    });
  });

  test('the approval under `whatsapp`; the body of the first type that has one when there is no twilio/text', () => {
    const content: ContentAndApproval = {
      sid: SID,
      friendlyName: 'Media Test',
      language: 'en',
      variables: {},
      types: { 'twilio/media': { body: '{{1}}, Congratulations {{2}}!', media: ['https://example.com/x.png'] } },
      approvalRequests: { whatsapp: { category: 'MARKETING', status: 'rejected', rejection_reason: 'INVALID_FORMAT' } },
    };
    expect(toProviderTemplate(content)).toMatchObject({ status: 'rejected', category: 'marketing', body: '{{1}}, Congratulations {{2}}!', variables: ['1', '2'] });
  });

  test('never submitted: unsubmitted, no category; nothing usable in types: an empty body; a blank name falls back to the SID', () => {
    const content = { sid: SID, friendlyName: '', language: 'es', variables: null, types: { 'twilio/location': { latitude: 1 } }, approvalRequests: null } as ContentAndApproval;
    expect(toProviderTemplate(content)).toEqual({ ref: SID, name: SID, language: 'es', category: null, status: 'unsubmitted', body: '', variables: [] });
    const empty = { ...content, approvalRequests: { name: '', category: '', status: '' } };
    expect(toProviderTemplate(empty)).toMatchObject({ status: 'unsubmitted', category: null });
  });
});
