/**
 * @module server/whatsapp/meta/statuses.test — Cloud API `statuses[]` as StatusUpdates: Meta's documented delivered and
 * failed examples, the recipient by phone, BSUID or both, pricing and our callback data, statuses not tracked, and
 * invalid ones reported beside the good ones, never thrown.
 */
import { describe, expect, test } from 'bun:test';
import { META_ASPIRANT, META_PHONE_NUMBER_ID, metaChange, metaStatus, metaWamid, metaWebhook } from './fixtures';
import { parseMetaWebhook } from './inbound';

const opts = { phoneNumberId: META_PHONE_NUMBER_ID };
const SENT_ID = 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MTE5MjVBOTE3MDk5QUVFM0YA';

function statusesOf(...statuses: ReturnType<typeof metaStatus>[]) {
  return parseMetaWebhook(metaWebhook(metaChange({ statuses })), opts);
}

function onlyStatus(status: ReturnType<typeof metaStatus>) {
  const result = statusesOf(status);
  expect(result.rejected).toEqual([]);
  expect(result.statuses).toHaveLength(1);
  return result.statuses[0]!;
}

describe('parseMetaWebhook statuses', () => {
  test('a delivered status as Meta’s reference shows it: recipient, pricing category, raw kept', () => {
    const status = {
      id: SENT_ID,
      status: 'delivered',
      timestamp: '1750263773',
      recipient_id: '16505551234',
      pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' },
    };
    expect(onlyStatus({ status })).toEqual({ messageSid: SENT_ID, recipient: { phone: '+16505551234' }, status: 'delivered', pricingCategory: 'marketing', raw: { status } });
  });

  test('a failed status: the first error’s code, and its title with the details that say more', () => {
    const update = onlyStatus(
      metaStatus({
        status: 'failed',
        errors: [
          {
            code: 131047,
            title: 'Re-engagement message',
            message: 'Re-engagement message',
            error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
            href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
          },
          { code: 1, title: 'second error, not read' },
        ],
      }),
    );
    expect(update).toMatchObject({
      status: 'failed',
      errorCode: 131047,
      errorMessage: 'Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    });
  });

  test('an error that is only a title (or only a message) is kept as such; a code that is no number is left out', () => {
    expect(onlyStatus(metaStatus({ status: 'failed', errors: [{ code: '131026', message: 'Message undeliverable' }] }))).toMatchObject({ errorCode: 131026, errorMessage: 'Message undeliverable' });
    const update = onlyStatus(metaStatus({ status: 'failed', errors: [{ code: 'E1', title: 'Same', error_data: { details: 'Same' } }] }));
    expect([update.errorCode, update.errorMessage]).toEqual([undefined, 'Same']);
  });

  test('our biz_opaque_callback_data comes back as callbackData', () => {
    expect(onlyStatus(metaStatus({ status: 'sent', callbackData: 'outbox:42:1', pricingCategory: 'utility' }))).toMatchObject({ callbackData: 'outbox:42:1', pricingCategory: 'utility' });
  });

  test('a status of a message sent to her BSUID: recipient_user_id, no recipient_id; her contact adds her username', () => {
    const update = onlyStatus(metaStatus({ status: 'read', to: null, bsuid: META_ASPIRANT.bsuid, contact: { from: null, username: '@vale.modelo' } }));
    expect(update.recipient).toEqual({ bsuid: META_ASPIRANT.bsuid, username: '@vale.modelo' });
  });

  test('a number and a BSUID (from the status, else from the contact) are both kept', () => {
    expect(onlyStatus(metaStatus({ status: 'delivered', contact: {} })).recipient).toEqual({ phone: '+573001234567', bsuid: META_ASPIRANT.bsuid });
  });

  test('played, deleted, warning and a group’s statuses are ignored; unknown statuses and broken envelopes rejected; the good one kept', () => {
    const result = statusesOf(
      metaStatus({ id: metaWamid(1), status: 'played' }),
      metaStatus({ id: metaWamid(2), status: 'deleted' }),
      metaStatus({ id: metaWamid(3), status: 'warning' }),
      { status: { ...metaStatus({ id: metaWamid(4), status: 'read' }).status, recipient_type: 'group', recipient_id: 'Y2FwaV9ncm91cDox' } },
      metaStatus({ id: metaWamid(5), status: 'teleported' }),
      metaStatus({ id: metaWamid(6), status: 'constructor' }),
      metaStatus({ id: metaWamid(7), status: 'received' }),
      metaStatus({ id: 'not a wamid', status: 'sent' }),
      metaStatus({ id: metaWamid(8), status: 'sent', to: null }),
      metaStatus({ id: metaWamid(9), status: 'sent', to: '12' }),
      metaStatus({ id: metaWamid(10), status: 'DELIVERED' }),
    );
    const where = (i: number) => `entry[0].changes[0].value.statuses[${i}]`;
    expect(result.statuses.map((s) => [s.messageSid, s.status])).toEqual([[metaWamid(10), 'delivered']]);
    expect(result.ignored.map((issue) => [issue.where, issue.field])).toEqual([
      [where(0), 'status'],
      [where(1), 'status'],
      [where(2), 'status'],
      [where(3), 'recipient_type'],
    ]);
    expect(result.rejected.map((issue) => [issue.where, issue.field])).toEqual([
      [where(4), 'status'],
      [where(5), 'status'],
      [where(6), 'status'],
      [where(7), 'id'],
      [where(8), 'recipient_id'],
      [where(9), 'recipient_id'],
    ]);
  });

  test('another number’s statuses are ignored, ours taken', () => {
    const body = metaWebhook(metaChange({ statuses: [metaStatus({ status: 'sent' })] }));
    expect(parseMetaWebhook(body, { phoneNumberId: 'another' }).statuses).toEqual([]);
    expect(parseMetaWebhook(body, opts).statuses).toHaveLength(1);
  });
});
