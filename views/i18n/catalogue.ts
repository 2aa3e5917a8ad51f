/**
 * @module views/i18n/catalogue — the catalogue's shape (Spanish's, which English must match) and the message keys
 * `t` accepts: every leaf's dotted path, a plural's (`x_one`, `x_other`) as its base `x`.
 */
import type { es } from './es';

export type Catalogue = typeof es;

/** i18next's plural suffixes (CLDR categories through Intl.PluralRules); Spanish and English use one and other, and "many" falls back to other. */
type PluralSuffix = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';

type Leaves<T, P extends string = ''> = { [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`> }[keyof T & string];
type Base<K> = K extends `${infer B}_${PluralSuffix}` ? B : K;

/** The label maps (keys with dots of their own, such as audit actions) are read from the catalogue, not through `t`. */
export type MessageKey = Exclude<
  Base<Leaves<Catalogue>>,
  | `admin.audit.actions.${string}`
  | `admin.audit.targets.${string}`
  | `admin.users.roles.${string}`
  | `inbox.events.${string}`
  | `admin.audit.actors.${string}`
  | `privacy.${string}.auditActions.${string}`
  | `privacy.${string}.auditTargets.${string}`
>;
