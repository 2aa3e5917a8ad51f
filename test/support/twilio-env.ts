/** @module test/support/twilio-env — an app configured for a fake Twilio, and signed webhook requests to it. */
import { computeTwilioSignature } from '../../server/whatsapp/signature';
import type { FakeTwilio } from './fake-twilio';
import type { TestApp } from './app';

export const PUBLIC_URL = 'https://wasap.test';
export const AGENCY_NUMBER = '+14155238886';

export function twilioEnv(fake: FakeTwilio): Record<string, string> {
  return {
    PUBLIC_URL,
    TWILIO_ACCOUNT_SID: fake.accountSid,
    TWILIO_AUTH_TOKEN: fake.authToken,
    TWILIO_WHATSAPP_FROM: `whatsapp:${AGENCY_NUMBER}`,
    TWILIO_API_URL: fake.url,
    TWILIO_MAX_MPS: '1000',
  };
}

/** A form POST signed the way Twilio signs it (the signature covers PUBLIC_URL + path and every field). */
export function signedPost(t: TestApp, path: string, params: Record<string, string>, authToken: string, signature?: string): Promise<Response> {
  return t.request(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature ?? computeTwilioSignature(authToken, PUBLIC_URL + path, params),
    },
    body: new URLSearchParams(params).toString(),
  });
}

let counter = 0;
export function messageSid(): string {
  return `SM${(++counter).toString(16).padStart(6, '0')}${crypto.randomUUID().replaceAll('-', '').slice(0, 26)}`;
}

/** The fields Twilio posts for an aspirant's WhatsApp message. */
export function inboundParams(fake: FakeTwilio, from: string, body: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...twilioTextFields(fake.accountSid, from, body, messageSid(), 'Valentina'), ...extra };
}

/** The fields Twilio posts for a WhatsApp text from `from` (+E164) to the agency's number, with message id `sid`. */
export function twilioTextFields(accountSid: string, from: string, body: string, sid: string, profileName: string): Record<string, string> {
  return {
    MessageSid: sid,
    SmsMessageSid: sid,
    AccountSid: accountSid,
    From: `whatsapp:${from}`,
    To: `whatsapp:${AGENCY_NUMBER}`,
    Body: body,
    NumMedia: '0',
    ProfileName: profileName,
    WaId: from.slice(1),
  };
}

export function statusParams(fake: FakeTwilio, sid: string, to: string, status: string, extra: Record<string, string> = {}): Record<string, string> {
  return { MessageSid: sid, SmsSid: sid, AccountSid: fake.accountSid, MessageStatus: status, SmsStatus: status, To: `whatsapp:${to}`, From: `whatsapp:${AGENCY_NUMBER}`, ...extra };
}
