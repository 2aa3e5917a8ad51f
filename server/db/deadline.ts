/**
 * @module server/db/deadline — bounding how long a request waits for the database: a 503 in time rather than a
 * webhook or probe that hangs while the database is unreachable.
 */
import { ServiceUnavailableError } from '../errors';
import { isUnavailable } from './unavailable';

/**
 * `work`, or a ServiceUnavailableError after `ms` milliseconds, whichever comes first; a rejection of `work` that
 * `isUnavailable` recognises becomes a ServiceUnavailableError too, any other passes through unchanged. The work
 * is not cancelled: a write that commits after the deadline still counts (the caller was told 503, so its retry
 * is a duplicate and is answered as one).
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, message?: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ServiceUnavailableError(message)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } catch (error) {
    if (error instanceof ServiceUnavailableError || !isUnavailable(error)) throw error;
    throw Object.assign(new ServiceUnavailableError(message), { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
