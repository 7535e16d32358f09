/**
 * The development values `npm start` writes to `.dev.vars` on a fresh clone, and the test of
 * whether a `.dev.vars` points at the local emulator (then `npm start` runs it) or at Discord.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseVars } from '../../scripts/vars';

/** The application id of the development setup. The fake Discord's bot user has the same id. */
export const DEV_APPLICATION_ID = '1100000000000000001';
/** The bot token of the development setup (the fake REST and gateway accept it). */
export const DEV_BOT_TOKEN = 'local-dev-token';
/** Default loopback ports: bot Worker, emulator page, fake REST, fake gateway, avatar CDN. */
export const DEFAULT_PORTS = { bot: 8787, page: 8788, rest: 8790, gateway: 8791, cdn: 8792 } as const;

/** The `.dev.vars` text for a fresh clone (the private key goes to `.dev.keys.json`). */
export function devVarsText(publicHex: string, restPort: number = DEFAULT_PORTS.rest): string {
  return [
    "# Local development values. Replace with your application's to talk to the real Discord",
    '# (then `npm start` runs the bot alone, without the emulator).',
    '# The private half of DISCORD_PUBLIC_KEY is in .dev.keys.json (used by the emulator and `npm run send`).',
    `DISCORD_PUBLIC_KEY=${publicHex}`,
    `DISCORD_APPLICATION_ID=${DEV_APPLICATION_ID}`,
    `DISCORD_BOT_TOKEN=${DEV_BOT_TOKEN}`,
    'DISCORD_CLIENT_SECRET=local-dev-secret',
    `DASHBOARD_SECRET=${randomBytes(24).toString('hex')}`,
    // Outgoing webhooks on, to local receivers (http and loopback targets allowed).
    `WEBHOOKS_SECRET=${randomBytes(24).toString('hex')}`,
    'WEBHOOKS_LOCAL=true',
    `DISCORD_API_BASE=http://127.0.0.1:${restPort}/api/v10`,
    '',
  ].join('\n');
}

/** Writes `.dev.vars` and `.dev.keys.json` in `dir` unless `.dev.vars` exists; returns whether it wrote them. */
export function ensureDevVars(dir: string, restPort: number = DEFAULT_PORTS.rest): boolean {
  if (existsSync(join(dir, '.dev.vars'))) return false;
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicHex = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
  writeFileSync(join(dir, '.dev.keys.json'), JSON.stringify(privateKey.export({ format: 'jwk' })));
  writeFileSync(join(dir, '.dev.vars'), devVarsText(publicHex, restPort));
  return true;
}

/** The parsed `.dev.vars` of `dir` (empty when absent). */
export function readDevVars(dir: string): Record<string, string> {
  const path = join(dir, '.dev.vars');
  return existsSync(path) ? parseVars(readFileSync(path, 'utf8')) : {};
}

/** True when the vars point the bot at a fake Discord on loopback (the emulator), not at Discord. */
export function isLocalDiscord(vars: Record<string, string | undefined>): boolean {
  return /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(vars.DISCORD_API_BASE ?? '');
}
