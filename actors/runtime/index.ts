/** @module actors/runtime — the actor runtime: mailbox, registry, backoff */
export { createRegistry, RegistryClosedError } from './registry';
export type { Registry, RegistryOptions, RegistryStats } from './registry';
export type { ActorBehaviour, CallResult, Handled, SendResult } from './mailbox';
export { exponentialBackoff } from './backoff';
export type { BackoffOptions } from './backoff';
