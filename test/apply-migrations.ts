import { applyD1Migrations, env } from 'cloudflare:test';

// Storage is shared by the tests of one file; applying is idempotent.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
