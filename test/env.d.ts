import type { D1Migration } from 'cloudflare:test';

/** Bindings only the test configuration provides (vitest.config.ts). */
interface TestBindings {
  TEST_FAKE_DISCORD_URL: string;
  TEST_FAKE_GATEWAY_URL: string;
  /** The libSQL server's URL; '' when there is no sqld here. */
  TEST_SQLD_URL: string;
  /** '' when sqld runs; else why the libSQL tests skip (test/global-setup.ts). */
  TEST_SQLD_SKIP: string;
  TEST_SIGNING_KEY: string;
  /** The webhook receiver (src/testing/webhook-receiver.ts). */
  TEST_WEBHOOK_RECEIVER_URL: string;
  TEST_MIGRATIONS: D1Migration[];
}

declare global {
  interface Env extends TestBindings {}
  namespace Cloudflare {
    interface Env extends TestBindings {}
  }
}
