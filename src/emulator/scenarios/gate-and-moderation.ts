/**
 * The demo: a member joins, applies through the modal, a reviewer claims and accepts, the role
 * is granted and the welcome posted; a moderator warns and times out a member; the cases are in
 * the mod log.
 */
import type { Scenario } from '../scenario.ts';
import { messageText } from '../scenario.ts';
import { PEOPLE } from '../seed.ts';

export const gateScenario: Scenario = {
  name: 'gate',
  description: 'a newcomer joins, applies, and is accepted',
  async run(ctx) {
    const { emulator } = ctx;
    const username = `dana_${Math.floor(Math.random() * 9000 + 1000)}`;
    const dana = await emulator.join({ username });
    ctx.world.users[username] = dana;
    ctx.say(`${username} joins the server (GUILD_MEMBER_ADD through the gateway → relay → EVENTS queue)`);
    const unverified = ctx.world.roles.Unverified!;
    await ctx.until('the Unverified role on join', () => emulator.guild().members.get(dana)?.roles.includes(unverified));
    ctx.say('  bot gives them the Unverified role');

    const gateMessage = ctx.messages('gate').find((m) => m.components?.length);
    if (!gateMessage) throw new Error('no gate message in #gate');
    const opened = await ctx.press(username, 'gate', gateMessage, 'Apply');
    if (opened.response?.type !== 9) throw new Error(`Apply did not open a modal (answer type ${opened.response?.type})`);
    const modal = opened.response.data as { custom_id: string; title: string; components: { type: number; label?: string; component?: { custom_id: string }; components?: { custom_id: string; label?: string }[] }[] };
    ctx.say(`${username} presses Apply: the bot opens the modal "${modal.title}" with ${modal.components.length} question(s)`);
    const fields: Record<string, string> = {};
    for (const c of modal.components) {
      const id = c.component?.custom_id ?? c.components?.[0]?.custom_id;
      if (id) fields[id] = `Answer to ${c.label ?? id}: a friend told me, I like the community.`;
    }
    const submitted = await emulator.submitModal(dana, ctx.channel('gate'), modal, fields, gateMessage.id);
    if (submitted.status === 'failed') throw new Error(`modal submit failed: ${submitted.error}`);
    ctx.say(`  ${username} submits; only they see: "${await ctx.reply(submitted)}"`);

    const card = await ctx.until('the review card in #review', () => ctx.messages('review').findLast((m) => JSON.stringify(m.embeds).includes(dana)));
    ctx.say(`  review card in #review: ${messageText(emulator, card).slice(0, 140)}…`);
    await ctx.press(PEOPLE.reviewer, 'review', card, 'Claim');
    ctx.say(`${PEOPLE.reviewer} claims the application`);
    const claimed = ctx.messages('review').find((m) => m.id === card.id)!;
    await ctx.press(PEOPLE.reviewer, 'review', claimed, 'Accept');
    ctx.say(`${PEOPLE.reviewer} accepts`);
    const member = ctx.world.roles.Member!;
    await ctx.until('the Member role', () => emulator.guild().members.get(dana)?.roles.includes(member));
    ctx.say(`  bot grants the Member role (and removes Unverified: ${emulator.guild().members.get(dana)?.roles.includes(unverified) ? 'no' : 'yes'})`);
    const welcome = await ctx.until('the welcome in #welcome', () => ctx.messages('welcome').findLast((m) => m.content.includes(dana) && /Welcome/i.test(m.content)));
    ctx.say(`  #welcome: "${messageText(emulator, welcome)}"`);
  },
};

export const moderationScenario: Scenario = {
  name: 'moderation',
  description: 'a moderator warns and times out a member',
  async run(ctx) {
    const { emulator } = ctx;
    const target = PEOPLE.members[1];
    const targetId = ctx.user(target);
    const before = ctx.messages('mod-log').length;
    const warn = await ctx.command(PEOPLE.moderator, 'general', 'warn', [
      { name: 'member', type: 6, value: targetId },
      { name: 'reason', type: 3, value: 'Posting invite links in #general' },
    ]);
    ctx.say(`${PEOPLE.moderator} runs /warn ${target}: "${await ctx.reply(warn)}"`);
    const timeout = await ctx.command(PEOPLE.moderator, 'general', 'timeout', [
      { name: 'member', type: 6, value: targetId },
      { name: 'duration', type: 3, value: '10m' },
      { name: 'reason', type: 3, value: 'Kept posting invite links after the warning' },
    ]);
    ctx.say(`${PEOPLE.moderator} runs /timeout ${target} 10m: "${await ctx.reply(timeout)}"`);
    const until = await ctx.until('the timeout on the member', () => emulator.guild().members.get(targetId)?.communicationDisabledUntil);
    ctx.say(`  ${target} is timed out until ${until}`);
    const cases = await ctx.until('two cases in #mod-log', () => {
      const posted = ctx.messages('mod-log').slice(before);
      return posted.length >= 2 ? posted : undefined;
    });
    for (const m of cases) ctx.say(`  #mod-log: ${messageText(emulator, m).slice(0, 160)}`);
    const audit = emulator.state.calls.filter((c) => c.reason && c.params.user_id === targetId).map((c) => `${c.method} ${c.route}: "${c.reason}"`);
    for (const line of audit) ctx.say(`  audit-log reason: ${line}`);
  },
};

export const scenarios: Scenario[] = [gateScenario, moderationScenario];
