import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// The test keypair: the Worker verifies with the public half (as DISCORD_PUBLIC_KEY), tests
// sign with the private half, exactly as Discord would.
const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const publicKeyHex = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
const privateKeyJwk = JSON.stringify(privateKey.export({ format: 'jwk' }));
// wrangler checks `[secrets] required` when it reads the config; the bindings below win.
process.env.DISCORD_BOT_TOKEN ??= 'test-bot-token';
process.env.DISCORD_CLIENT_SECRET ??= 'test-client-secret';
const migrations = await readD1Migrations(fileURLToPath(new URL('./migrations', import.meta.url)));

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                DISCORD_PUBLIC_KEY: publicKeyHex,
                DISCORD_APPLICATION_ID: '1100000000000000001',
                DISCORD_BOT_TOKEN: 'test-bot-token',
                DISCORD_CLIENT_SECRET: 'test-client-secret',
                // Tests await each interaction's background work: keep the log's batching short.
                COMMAND_LOG_FLUSH_MS: '5',
                DISCORD_API_BASE: `${inject<string>('fakeDiscordUrl')}/api/v10`,
                TEST_FAKE_DISCORD_URL: inject<string>('fakeDiscordUrl'),
                TEST_FAKE_GATEWAY_URL: inject<string>('fakeGatewayUrl'),
                TEST_SQLD_URL: inject<string>('sqldUrl'),
                TEST_SQLD_SKIP: inject<string>('sqldSkip'),
                TEST_WEBHOOK_RECEIVER_URL: inject<string>('webhookReceiverUrl') ?? '',
                TEST_SIGNING_KEY: privateKeyJwk,
                TEST_MIGRATIONS: migrations,
              },
            },
          })),
        ],
        test: {
          name: 'workers',
          include: ['src/**/*.test.ts', 'workers/**/*.test.ts', 'test/**/*.test.ts'],
          // The scanner's tests need its own wrangler config (WASM + model modules): `scanner` project.
          exclude: ['**/*.node.test.ts', '**/node_modules/**', 'workers/scanner/**', '**/*.scanner.test.ts'],
          globalSetup: ['./test/global-setup.ts'],
          setupFiles: ['./test/apply-migrations.ts'],
          deps: { optimizer: { ssr: { enabled: true, include: ['discord-api-types/v10'] } } },
        },
      },
      {
        // The scanner Worker (workers/scanner/wrangler.toml): onnxruntime-web's WASM and the
        // converted model as modules, avatars from a local CDN, reference outputs from
        // onnxruntime-node (scripts/model/scanner-global-setup.ts).
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: './workers/scanner/wrangler.toml' },
            miniflare: {
              bindings: {
                DISCORD_APPLICATION_ID: '1100000000000000001',
                DISCORD_BOT_TOKEN: 'test-bot-token',
                DISCORD_API_BASE: `${inject<string>('fakeDiscordUrl')}/api/v10`,
                DISCORD_CDN_BASE: inject<string>('cdnUrl'),
                TEST_FAKE_DISCORD_URL: inject<string>('fakeDiscordUrl'),
                TEST_CDN_URL: inject<string>('cdnUrl'),
                TEST_REFERENCE_PROBABILITIES: inject<Record<string, number[]>>('referenceProbabilities'),
                TEST_MIGRATIONS: migrations,
              },
            },
          })),
        ],
        test: {
          name: 'scanner',
          include: ['workers/scanner/**/*.test.ts', 'src/features/avatar-scan/**/*.scanner.test.ts'],
          exclude: ['**/*.node.test.ts', '**/node_modules/**'],
          globalSetup: ['./test/global-setup.ts', './scripts/model/scanner-global-setup.ts'],
          setupFiles: ['./test/apply-migrations.ts'],
          testTimeout: 60_000,
          deps: { optimizer: { ssr: { enabled: true, include: ['discord-api-types/v10'] } } },
        },
      },
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/**/*.node.test.ts', 'test/**/*.node.test.ts', 'bench/**/*.node.test.ts', 'scripts/**/*.node.test.ts'],
        },
      },
    ],
  },
});
