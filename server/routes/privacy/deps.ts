/** @module server/routes/privacy/deps — what every personal-data route part receives from createApp. */
import type { Config } from '../../config';
import type { Db } from '../../db/client';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import type { Services } from '../../wiring';

export interface PrivacyRouteDeps {
  config: Config;
  db: Db;
  logger: Logger;
  metrics: Metrics;
  services: Services;
  /** Cookies get `Secure` when PUBLIC_URL is https. */
  secureCookies: boolean;
  /** The clock (tests move it), milliseconds since the epoch. */
  now?: () => number;
}
