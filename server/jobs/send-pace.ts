/**
 * @module server/jobs/send-pace — when each outbound message may start: at most `maxMps` in any one second, the
 * provider's limit (Twilio's messages per second for a WhatsApp sender; WhatsApp allows one number up to 1,000, Meta's
 * Cloud API answers 130429 past it), and no faster than twice that rate at any moment.
 *
 * Sends are admitted one at a time, each at the first moment when the send `maxMps` admissions earlier started at
 * least a second ago and the previous one half a gap ago; the times kept are the moments of admission, read after
 * every wait (a timer may wake a little early), so the rule holds on when sends really start. A pipeline that stalls
 * for a moment (a claim waiting on the database) therefore catches up within the same second, where spacing every
 * send a fixed `1000 / maxMps` ms apart lost the stalled slots for good: offered exactly the limit, it could never
 * keep up. (The provider counts arrivals: a first request that waits for its connection can arrive close to later
 * ones. Twilio queues what exceeds a sender's rate rather than refusing it.)
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

/** Throws RangeError unless `maxMps` is a positive whole number (TWILIO_MAX_MPS is 1–1000). */
export function createSendPace(maxMps: number, clock: SendPaceClock = realClock): SendPace {
  if (!Number.isInteger(maxMps) || maxMps < 1) throw new RangeError(`maxMps must be a positive integer, got ${maxMps}`);
  const minGapMs = 1000 / maxMps / 2;
  /** The last `maxMps` admissions, oldest at `head`. */
  const admitted = new Float64Array(maxMps).fill(-Infinity);
  let head = 0;
  let last = -Infinity;
  let turn = Promise.resolve();

  async function waitForSlot(): Promise<void> {
    for (;;) {
      const at = Math.max(admitted[head]! + 1000, last + minGapMs);
      const now = clock.now();
      if (now >= at) {
        admitted[head] = now;
        head = (head + 1) % maxMps;
        last = now;
        return;
      }
      await clock.sleep(at - now);
    }
  }

  return {
    admit(): Promise<void> {
      turn = turn.then(waitForSlot);
      return turn;
    },
  };
}
