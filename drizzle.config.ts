/** @module drizzle.config — drizzle-kit generates SQL migrations into migrations/ from server/db/schema. */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './server/db/schema/index.ts',
  out: './migrations',
  strict: true,
  verbose: true,
});
