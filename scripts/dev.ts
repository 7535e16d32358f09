/**
 * `npm start`: runs the bot locally on local D1 (Miniflare under `wrangler dev`).
 *
 * On first run it writes `.dev.vars` with a generated development keypair and points
 * DISCORD_API_BASE at a local fake Discord, so everything works offline; put your real
 * application's values in `.dev.vars` to talk to Discord instead. Then it applies the D1
 * migrations locally and starts `wrangler dev` on http://localhost:8787.
 */
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { startFakeDiscord } from '../src/testing/fake-discord/server';
import { parseVars } from './vars';

const FAKE_PORT = 8790;
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' };

if (!existsSync('.dev.vars')) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicHex = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
  writeFileSync('.dev.keys.json', JSON.stringify(privateKey.export({ format: 'jwk' })));
  writeFileSync(
    '.dev.vars',
    [
      '# Local development values. Replace with your application\'s to talk to the real Discord.',
      '# The private half of DISCORD_PUBLIC_KEY is in .dev.keys.json (used by `npm run send`).',
      `DISCORD_PUBLIC_KEY=${publicHex}`,
      'DISCORD_APPLICATION_ID=1100000000000000001',
      'DISCORD_BOT_TOKEN=local-dev-token',
      'DISCORD_CLIENT_SECRET=local-dev-secret',
      `DISCORD_API_BASE=http://127.0.0.1:${FAKE_PORT}/api/v10`,
      '',
    ].join('\n'),
  );
  console.log('Wrote .dev.vars (development keypair, local fake Discord).');
}

const vars = parseVars(readFileSync('.dev.vars', 'utf8'));
if (vars.DISCORD_API_BASE?.startsWith(`http://127.0.0.1:${FAKE_PORT}`)) {
  const fake = await startFakeDiscord({ port: FAKE_PORT });
  console.log(`Fake Discord REST on ${fake.url} (session "default").`);
}

const migrate = spawnSync('npx', ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local'], { stdio: 'inherit', env });
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const dev = spawn('npx', ['wrangler', 'dev', '--port', '8787', '--ip', '127.0.0.1', ...process.argv.slice(2)], { stdio: 'inherit', env });
dev.on('exit', (code) => process.exit(code ?? 0));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => dev.kill(signal));
