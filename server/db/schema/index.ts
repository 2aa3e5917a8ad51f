/** @module server/db/schema — every table, for drizzle and drizzle-kit. */
export * from './enums';
export * from './users';
export * from './aspirants';
export * from './conversations';
export * from './pipeline';
export * from './audit';
export * from './bot';
export * from './push';
export * from './templates';
export * from './privacy';
export * from './blob-deletions';
export * from './cluster';
export * from './rate-limits';
export * from './install';
