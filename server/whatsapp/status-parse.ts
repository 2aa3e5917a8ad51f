/** @module server/whatsapp/status-parse — Twilio message status callbacks, and the rule that statuses only move forward. */
import { DELIVERY_STATUSES, deliveryRank, isTerminal, type DeliveryStatus } from '../../actors/vocabulary';
import { InvalidParam, optional, requireParam, stripNuls, type ParseResult } from './inbound-parse';
import { normaliseWhatsAppAddress } from './phone';

/** What a status callback may report about an outbound message: every delivery status but `received` (inbound messages only). */
export type CallbackStatus = Exclude<DeliveryStatus, 'received'>;
const CALLBACK_STATUSES: readonly string[] = DELIVERY_STATUSES.filter((status) => status !== 'received');

export interface StatusCallback {
  messageSid: string;
  status: CallbackStatus;
  errorCode?: number;
  errorMessage?: string;
  /** E.164 of the recipient when Twilio sent a valid address. */
  to?: string;
  raw: Record<string, string>;
}

/** Twilio statuses we fold into ours: a Messaging Service first "accepts" or "schedules" before queueing. */
const ALIASES: ReadonlyMap<string, CallbackStatus> = new Map([
  ['accepted', 'queued'],
  ['scheduled', 'queued'],
]);
const MESSAGE_SID = /^(SM|MM)[0-9a-f]{32}$/i;
const ERROR_CODE = /^\d{1,6}$/;

function isCallbackStatus(status: string): status is CallbackStatus {
  return CALLBACK_STATUSES.includes(status);
}

/**
 * Callbacks arrive out of order and more than once. A terminal status is never overwritten (the
 * first one to arrive stands); a terminal status beats any progress; otherwise the furthest wins.
 */
export function advanceStatus(current: DeliveryStatus | null | undefined, incoming: DeliveryStatus): DeliveryStatus {
  if (!current) return incoming;
  if (isTerminal(current)) return current;
  if (isTerminal(incoming)) return incoming;
  return deliveryRank(incoming) > deliveryRank(current) ? incoming : current;
}

function status(params: Record<string, string>): CallbackStatus {
  // SmsStatus is the legacy twin Twilio still sends; prefer MessageStatus when both exist.
  const field = optional(params, 'MessageStatus') === undefined && optional(params, 'SmsStatus') !== undefined ? 'SmsStatus' : 'MessageStatus';
  const value = requireParam(params, field).toLowerCase();
  // A Map: a status of "constructor" must not find Object's prototype.
  const mapped = ALIASES.get(value) ?? value;
  if (!isCallbackStatus(mapped)) throw new InvalidParam(field, `${field} "${value}" is not a status we track.`);
  return mapped;
}

function build(raw: Record<string, string>): StatusCallback {
  const messageSid = requireParam(raw, 'MessageSid');
  if (!MESSAGE_SID.test(messageSid)) throw new InvalidParam('MessageSid', 'MessageSid must be SM or MM followed by 32 hex digits.');
  const callback: StatusCallback = { messageSid, status: status(raw), raw };
  const errorCode = optional(raw, 'ErrorCode');
  if (errorCode !== undefined) {
    if (!ERROR_CODE.test(errorCode)) throw new InvalidParam('ErrorCode', 'ErrorCode must be a whole number.');
    callback.errorCode = Number(errorCode);
  }
  const errorMessage = optional(raw, 'ErrorMessage');
  if (errorMessage !== undefined) callback.errorMessage = errorMessage;
  const to = optional(raw, 'To');
  const e164 = to === undefined ? null : normaliseWhatsAppAddress(to);
  if (e164) callback.to = e164;
  return callback;
}

/** Parses the form Twilio posts to a message's StatusCallback URL. */
export function parseStatusCallback(params: Record<string, string>): ParseResult<StatusCallback> {
  try {
    return { ok: true, value: build(stripNuls(params)) };
  } catch (error) {
    if (error instanceof InvalidParam) return { ok: false, field: error.field, message: error.message };
    throw error;
  }
}
