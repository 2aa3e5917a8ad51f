/**
 * @module server/jobs/send-pace — when each outbound message may start: at most `maxMps` in any one second, the
 * provider's limit (Twilio's messages per second for a WhatsApp sender; WhatsApp allows one number up to 1,000, Meta's
 * Cloud API answers 130429 past it), and no faster than twice that rate at any moment.
 *
 * Each send reserves the next slot: no earlier than the slot reserved `maxMps` sends before it plus one second and
 * a margin (SLOT_MARGIN_MS: a timer may wake a little early, and a send start a little late), nor than half a gap
 * after the previous slot; then it waits until the slot has really come (re-checked after every wait). Sends wait
 * side by side, so a timer's coarseness never adds up across them. A pipeline that stalls for a moment (a claim
 * waiting on the database) therefore catches up within the same second, where spacing every send a fixed
 * `1000 / maxMps` ms apart lost the stalled slots for good: offered exactly the limit, it could never keep up. (The
 * provider counts arrivals: a first request that waits for its connection can arrive close to later ones. Twilio
 * queues what exceeds a sender's rate rather than refusing it.)
 */

export interface SendPace {
  /** Resolves when one send may start; call it right before sending. */
  admit(): Promise<void>;
}

export interface SendPaceClock {
  /** Monotonic time, ms. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: SendPaceClock = { now: () => performance.now(), sleep: (ms) => Bun.sleep(ms) };

/** Added to each second's window: more than a timer's early wake-up (≤ 1 ms measured) or a start's usual delay. */
export const SLOT_MARGIN_MS = 10;

/**
 * Throws RangeError unless `maxMps` is a positive whole number (TWILIO_MAX_MPS is 1–1000). `share()` (0–1, default 1)
 * is this process's part of the number's limit when several processes send for it (server/cluster: the shards it
 * owns ÷ 256): it paces at `max(1, floor(maxMps × share))` a second, read at every send.
 */
export function createSendPace(maxMps: number, clock: SendPaceClock = realClock, share: () => number = () => 1): SendPace {
  if (!Number.isInteger(maxMps) || maxMps < 1) throw new RangeError(`maxMps must be a positive integer, got ${maxMps}`);
  /** The last `maxMps` slots reserved, the oldest at `head`. */
  const slots = new Float64Array(maxMps).fill(-Infinity);
  let head = 0;
  let last = -Infinity;

  function reserve(): number {
    const rate = Math.min(maxMps, Math.max(1, Math.floor(maxMps * share())));
    // The slot reserved `rate` sends before this one: this one starts a second (and a margin) after it.
    const window = slots[(head + maxMps - rate) % maxMps]!;
    const at = Math.max(clock.now(), window + 1000 + SLOT_MARGIN_MS, last + 1000 / rate / 2);
    slots[head] = at;
    head = (head + 1) % maxMps;
    last = at;
    return at;
  }

  return {
    async admit(): Promise<void> {
      const at = reserve();
      for (let wait = at - clock.now(); wait > 0; wait = at - clock.now()) await clock.sleep(wait);
    },
  };
}
