/**
 * `/leaderboard` with the caller's rank on a board of 1,000 wallets: the request's fixed cost
 * (what does not grow with the board), as a standard scenario so `bench/profile.ts --only
 * "leaderboard page"` can profile it (the 100,000-wallet run is `economy leaderboard`).
 */
import { slashCommand, user } from '../../src/testing/interactions';
import { insertRows } from '../lib/gate-bench-kit';
import { defineScenario, expectThat } from '../scenario';

const GUILD = '1400000000000000003';
const CURRENCY = 'cbench000003';
const WALLETS = 1_000;
const owner = (i: number) => String(1500000000000000000n + BigInt(i));
let n = 0;

export default defineScenario({
  name: 'leaderboard page',
  description: `/leaderboard with own rank over ${WALLETS.toLocaleString('en-US')} wallets (the fixed cost per request)`,
  async setup({ bot }) {
    const now = Date.now();
    await insertRows(bot.db, 'currencies', ['id', 'guild_id', 'name', 'kind', 'created_by', 'created_at', 'updated_at'], [[CURRENCY, GUILD, 'coins', 'spendable', 'bench', now, now]]);
    await insertRows(bot.db, 'wallets', ['guild_id', 'currency_id', 'season', 'user_id', 'balance', 'negative_ok', 'updated_at'], Array.from({ length: WALLETS }, (_, i) => [GUILD, CURRENCY, 0, owner(i), 1 + ((i * 7919) % 5000), 0, now]));
    await insertRows(bot.db, 'leaderboard_boards', ['guild_id', 'currency_id', 'season', 'dirty_at', 'built_at'], [[GUILD, CURRENCY, 0, now, 0]]);
    const worker = await bot.mf.getWorker('bot');
    await worker.scheduled({ cron: '* * * * *', scheduledTime: new Date() });
  },
  interaction: () => slashCommand('leaderboard', { guildId: GUILD, user: user({ id: owner((n++ * 613) % WALLETS) }) }),
  expect: (body) => expectThat(JSON.stringify(body).includes('Your rank: **#'), 'a leaderboard page with the caller’s rank', body),
});
