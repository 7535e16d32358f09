/**
 * `npm run send -- <command> [sub…] [--admin] [--url http://127.0.0.1:8787]`: signs a slash
 * command with the development key (.dev.keys.json) and posts it to the local bot, printing
 * the answer. `npm run send -- ping-raw` sends a PING.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ping, signedRequest, slashCommand, subcommand, group } from '../src/testing/interactions';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { admin: { type: 'boolean' }, url: { type: 'string', default: 'http://127.0.0.1:8787' }, guild: { type: 'string' } },
});
const jwk = readFileSync('.dev.keys.json', 'utf8');
const [name, first, second] = positionals;
if (!name) throw new Error('usage: npm run send -- <command> [subcommand] [subcommand] [--admin]');
const options = second ? [group(first!, subcommand(second))] : first ? [subcommand(first)] : undefined;
const interaction =
  name === 'ping-raw'
    ? ping()
    : slashCommand(name, { ...(options ? { options } : {}), ...(values.admin ? { permissions: '8' } : {}), ...(values.guild ? { guildId: values.guild } : {}) });
const response = await fetch(await signedRequest(jwk, interaction, { url: `${values.url}/interactions` }));
console.log(response.status, await response.text());
