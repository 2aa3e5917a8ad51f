/** @module test/preload — runs before every test file: quiet logs unless asked for. */
process.env.LOG_LEVEL ??= 'silent';
