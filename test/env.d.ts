import type { D1Migration } from 'cloudflare:test';

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_FAKE_DISCORD_URL: string;
      TEST_SQLD_URL: string;
      TEST_SIGNING_KEY: string;
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
