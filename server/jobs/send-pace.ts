/**
 * @module server/jobs/send-pace — when each outbound message may go: at most `maxMps` in any one second, the
 * provider's limit (Twilio's messages per second for a WhatsApp sender; WhatsApp allows one number up to 1,000, Meta's
 * Cloud API answers 130429 past it), and no faster than twice that rate at any moment.
 *
 * Each send takes the next slot: no earlier than the slot of the send `maxMps` before it plus one second (so no
 * second holds more than `maxMps`), nor than half a gap after the previous slot. A pipeline that stalls for a moment
 * (a claim waiting on the database) therefore catches up within the same second, where spacing every send a fixed
 * `1000 / maxMps` ms apart lost the stalled slots for good: offered exactly the limit, it could never keep up.
 */

export interface SendPace {
  /** Reserves the next slot; resolves (ms of `now`'s clock) with the time the send may start. */
  slot(): number;
}

/** `now` is a monotonic clock in ms (performance.now by default). */
export function createSendPace(maxMps: number, now: () => number = () => performance.now()): SendPace {
  if (!Number.isInteger(maxMps) || maxMps < 1) throw new RangeError(`maxMps must be a positive integer, got ${maxMps}`);
  const minGapMs = 1000 / maxMps / 2;
  /** The last `maxMps` slots, oldest at `head`. */
  const slots = new Float64Array(maxMps).fill(-Infinity);
  let head = 0;
  let last = -Infinity;
  return {
    slot(): number {
      const at = Math.max(now(), slots[head]! + 1000, last + minGapMs);
      slots[head] = at;
      head = (head + 1) % maxMps;
      last = at;
      return at;
    },
  };
}
