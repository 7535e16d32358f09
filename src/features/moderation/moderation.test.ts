import { ButtonStyle } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Registry } from '../../core/registry';
import { getDb } from '../../db/client';
import { createDiscord } from '../../discord';
import { moderation } from './index';
import { GuildCases } from './cases.repo';
import { GuildPunishments } from './punishments.repo';
import { modWorld, type ModWorld, type Person } from './moderation.fixture';

let w: ModWorld;
let target: Person;
const cases = () => new GuildCases(getDb(w.env), w.g.guildId);
const caseCount = async (id: string) => (await cases().forTarget(id, 0, 100)).total;

beforeEach(async () => {
  w = await modWorld();
  target = await w.member();
});
afterEach(async () => {
  await w.fake.assertNoViolations();
});

describe('registration', () => {
  it('the command manifest is accepted by Discord', async () => {
    const manifest = new Registry([moderation]).manifest();
    await createDiscord(w.env).commands.bulkOverwrite(manifest);
    const names = (await w.fake.commands()).map((c) => c.name).sort();
    expect(names).toEqual(['Cases', 'Warn', 'ban', 'case', 'cases', 'kick', 'modconfig', 'mute', 'note', 'notes', 'purge', 'softban', 'suspend', 'timeout', 'unban', 'unmute', 'unsuspend', 'untimeout', 'warn']);
  });
});

describe('/warn', () => {
  it('warns: DM, case #1, mod-log embed with the link stored', async () => {
    const out = await w.run(w.helper, 'warn', { member: { user: target.user.id }, reason: 'spamming' });
    expect(out.content).toContain('**Case #1**: warned');
    expect(out.content).toContain('notified by DM');
    expect((await w.fake.dms(target.user.id)).at(-1)?.content).toContain('spamming');
    const log = await w.modLog();
    expect(log).toHaveLength(1);
    expect(log[0]!.embeds[0]!.title).toBe('Case #1 · Warning');
    const row = await cases().byNumber(1);
    expect(row).toMatchObject({ type: 'warn', actorId: w.helper.user.id, targetId: target.user.id, reason: 'spamming', dmSent: true, logMessageId: log[0]!.id });
  });

  it('records a failed DM on the case instead of failing', async () => {
    const closed = await w.member({ dmsClosed: true });
    const out = await w.run(w.helper, 'warn', { member: { user: closed.user.id }, reason: 'rude' });
    expect(out.content).toContain("couldn't DM them");
    expect((await cases().byNumber(1))?.dmSent).toBe(false);
    expect((await w.modLog())[0]!.embeds[0]!.fields?.find((f) => f.name === 'DM')?.value).toMatch(/failed/);
  });

  it('"Warn" context menu opens a modal whose submit warns', async () => {
    const out = await w.runUser(w.helper, 'Warn', target);
    expect(out.response.type).toBe(9);
    const customId = (out.response as { data: { custom_id: string } }).data.custom_id;
    const done = await w.submit(w.helper, customId, { reason: 'from the menu' });
    expect(done.content).toContain('**Case #1**: warned');
    expect((await cases().byNumber(1))?.reason).toBe('from the menu');
  });
});

describe('refusals', () => {
  it('level too low: a helper cannot kick', async () => {
    const out = await w.run(w.helper, 'kick', { member: { user: target.user.id }, reason: 'x' });
    expect(out.content).toBe('You need to be a moderator or above to use this.');
    expect(await w.fake.calls({ route: '/guilds/{guild_id}/members/{user_id}', method: 'DELETE' })).toHaveLength(0);
  });

  it('target above actor (staff level): a moderator cannot warn a moderator', async () => {
    const out = await w.run(w.moderator, 'warn', { member: { user: w.moderator2.user.id }, reason: 'x' });
    expect(out.content).toMatch(/your staff level \(moderator\) is not above theirs \(moderator\)/);
    expect(await caseCount(w.moderator2.user.id)).toBe(0);
  });

  it('target above actor (roles): a moderator cannot kick someone with a higher role', async () => {
    const vip = await w.member({ roles: ['VIP'] });
    const out = await w.run(w.moderator, 'kick', { member: { user: vip.user.id }, reason: 'x' });
    expect(out.content).toBe("You can't act on that member: your highest role is not above theirs.");
    expect(await w.fake.member(w.g.guildId, vip.user.id)).not.toBeNull();
  });

  it("bot role below target: refused with the bot's sentence", async () => {
    const role = await w.fake.addRole(w.g.guildId, { name: 'Elite', position: 20 });
    const elite = await w.member();
    await w.fake.addMember(w.g.guildId, { userId: elite.user.id, roles: [role.id] });
    const out = await w.run(w.owner, 'ban', { member: { user: elite.user.id }, reason: 'x' });
    expect(out.content).toBe("I can't act on that member: my highest role is below theirs.");
    expect(await w.fake.calls({ route: '/guilds/{guild_id}/bans/{user_id}', method: 'PUT' })).toHaveLength(0);
  });

  it('nobody acts on themselves, the owner or the bot', async () => {
    expect((await w.run(w.moderator, 'warn', { member: { user: w.moderator.user.id }, reason: 'x' })).content).toBe("You can't act on yourself.");
    expect((await w.run(w.moderator, 'kick', { member: { user: w.g.ownerId }, reason: 'x' })).content).toBe('Nobody can act on the server owner.');
    expect((await w.run(w.moderator, 'kick', { member: { user: w.g.botUserId }, reason: 'x' })).content).toBe("I won't act on myself.");
  });

  it('50013 from Discord on a kick: a clear message naming the permission, the case kept as failed', async () => {
    await w.fake.failNext({ method: 'DELETE', route: '/guilds/{guild_id}/members/{user_id}', status: 403, code: 50013 });
    const out = await w.run(w.moderator, 'kick', { member: { user: target.user.id }, reason: 'x' });
    expect(out.content).toBe("I can't kick them: Discord says I'm missing the **Kick Members** permission, or my highest role is below theirs.\nCase #1 is kept, marked failed.");
    expect(await cases().byNumber(1)).toMatchObject({ type: 'kick', state: 'failed' });
    expect(await w.modLog()).toHaveLength(0);
  });

  it('a missing bot permission is named before anything is tried', async () => {
    await w.fake.assertNoViolations();
    w = await modWorld({ botPermissions: ['KickMembers', 'ModerateMembers', 'ManageRoles', 'ViewChannel', 'SendMessages'] });
    const member = await w.member();
    const out = await w.run(w.moderator, 'ban', { member: { user: member.user.id }, reason: 'x' });
    expect(out.content).toBe("I'm missing the **Ban Members** permission in this server.");
    expect(await w.fake.calls({ method: 'PUT', route: '/guilds/{guild_id}/bans/{user_id}' })).toHaveLength(0);
  });

  it('a bad duration names the accepted forms', async () => {
    const out = await w.run(w.moderator, 'timeout', { member: { user: target.user.id }, duration: '10 minutes', reason: 'x' });
    expect(out.content).toContain('is not a duration. Use `30s`, `10m`, `2h`, `7d`, `1w` or a combination such as `1d12h`.');
  });
});

describe('actions', () => {
  it('/timeout and /untimeout', async () => {
    const out = await w.run(w.moderator, 'timeout', { member: { user: target.user.id }, duration: '2h', reason: 'calm down' });
    expect(out.content).toContain('**Case #1**: timed out');
    expect(out.content).toContain('for 2h');
    const until = (await w.fake.member(w.g.guildId, target.user.id))?.communication_disabled_until;
    expect(Date.parse(until!) - Date.now()).toBeGreaterThan(7_100_000);
    const lifted = await w.run(w.moderator, 'untimeout', { member: { user: target.user.id }, reason: 'ok' });
    expect(lifted.content).toContain('**Case #2**: removed the timeout of');
    expect((await w.fake.member(w.g.guildId, target.user.id))?.communication_disabled_until).toBeNull();
  });

  it('/timeout over 28 days applies 28 days and schedules renewal', async () => {
    await w.run(w.moderator, 'timeout', { member: { user: target.user.id }, duration: '40d', reason: 'long' });
    const until = Date.parse((await w.fake.member(w.g.guildId, target.user.id))!.communication_disabled_until!);
    expect(until - Date.now()).toBeLessThanOrEqual(28 * 86_400_000);
    expect(until - Date.now()).toBeGreaterThan(27.9 * 86_400_000);
    const live = await new GuildPunishments(getDb(w.env), w.g.guildId).live(target.user.id, 'timeout');
    expect(live?.endsAt! - Date.now()).toBeGreaterThan(39.9 * 86_400_000);
    expect(live?.nextActionAt).toBe(until - 86_400_000);
  });

  it('/mute needs a muted role; then gives and removes it', async () => {
    const none = await w.run(w.moderator, 'mute', { member: { user: target.user.id }, reason: 'x' });
    expect(none.content).toContain('No muted role is set');
    await w.run(w.admin, 'modconfig', { muted_role: { role: w.g.roles.Muted! } }, 'roles');
    const out = await w.run(w.moderator, 'mute', { member: { user: target.user.id }, reason: 'noise', duration: '1h' });
    expect(out.content).toContain('**Case #1**: muted');
    expect((await w.fake.member(w.g.guildId, target.user.id))?.roles).toContain(w.g.roles.Muted);
    const un = await w.run(w.moderator, 'unmute', { member: { user: target.user.id }, reason: 'fine' });
    expect(un.content).toContain('**Case #2**: unmuted');
    expect((await w.fake.member(w.g.guildId, target.user.id))?.roles).not.toContain(w.g.roles.Muted);
    expect(await new GuildPunishments(getDb(w.env), w.g.guildId).live(target.user.id, 'mute')).toBeNull();
  });

  it('/suspend replaces the roles; /unsuspend restores them', async () => {
    await w.run(w.admin, 'modconfig', { suspended_role: { role: w.g.roles.Suspended! } }, 'roles');
    const before = (await w.fake.member(w.g.guildId, target.user.id))!.roles;
    expect(before).toEqual([w.g.roles.Members]);
    const out = await w.run(w.moderator, 'suspend', { member: { user: target.user.id }, reason: 'cool off' });
    expect(out.content).toContain('**Case #1**: suspended');
    expect((await w.fake.member(w.g.guildId, target.user.id))?.roles).toEqual([w.g.roles.Suspended]);
    const again = await w.run(w.moderator, 'suspend', { member: { user: target.user.id }, reason: 'again' });
    expect(again.content).toContain('already suspended');
    const un = await w.run(w.moderator, 'unsuspend', { member: { user: target.user.id }, reason: 'ok' });
    expect(un.content).toContain('**Case #2**: unsuspended');
    expect((await w.fake.member(w.g.guildId, target.user.id))?.roles).toEqual([w.g.roles.Members]);
  });

  it('two concurrent /suspend of one member: one case, the saved roles kept, the other refused', async () => {
    await w.run(w.admin, 'modconfig', { suspended_role: { role: w.g.roles.Suspended! } }, 'roles');
    const outs = await Promise.all([
      w.run(w.moderator, 'suspend', { member: { user: target.user.id }, reason: 'first' }),
      w.run(w.moderator2, 'suspend', { member: { user: target.user.id }, reason: 'second' }),
    ]);
    const contents = outs.map((o) => o.content);
    expect(contents.filter((c) => c.startsWith('**Case #1**: suspended'))).toHaveLength(1);
    expect(contents.filter((c) => c === 'That member is already suspended. Lift it with `/unsuspend` first.')).toHaveLength(1);
    expect(await caseCount(target.user.id)).toBe(1);
    const live = await new GuildPunishments(getDb(w.env), w.g.guildId).live(target.user.id, 'suspend');
    expect(live?.restoreRoles).toEqual([w.g.roles.Members]);
    await w.run(w.moderator, 'unsuspend', { member: { user: target.user.id }, reason: 'ok' });
    expect((await w.fake.member(w.g.guildId, target.user.id))?.roles).toEqual([w.g.roles.Members]);
  });

  it('a /suspend arriving after another changed the roles, before it was recorded, is refused and loses nothing', async () => {
    await w.run(w.admin, 'modconfig', { suspended_role: { role: w.g.roles.Suspended! } }, 'roles');
    // Hold the first suspend between its role change and its record (its DM is slow).
    await w.fake.setLatency(1200, { method: 'POST', route: '/users/@me/channels' });
    const first = w.run(w.moderator, 'suspend', { member: { user: target.user.id }, reason: 'first' });
    await w.fake.waitForCall({ method: 'PATCH', route: '/guilds/{guild_id}/members/{user_id}' });
    const second = await w.run(w.moderator2, 'suspend', { member: { user: target.user.id }, reason: 'second' });
    expect((await first).content).toContain('**Case #1**: suspended');
    expect(second.content).toBe('That member is already suspended. Lift it with `/unsuspend` first.');
    await w.fake.setLatency(0);
    expect(await caseCount(target.user.id)).toBe(1);
    expect((await new GuildPunishments(getDb(w.env), w.g.guildId).live(target.user.id, 'suspend'))?.restoreRoles).toEqual([w.g.roles.Members]);
    expect(await w.fake.dms(target.user.id)).toHaveLength(1);
    await w.run(w.moderator, 'unsuspend', { member: { user: target.user.id }, reason: 'ok' });
    expect((await w.fake.member(w.g.guildId, target.user.id))?.roles).toEqual([w.g.roles.Members]);
  });

  it('/kick DMs before kicking', async () => {
    const out = await w.run(w.moderator, 'kick', { member: { user: target.user.id }, reason: 'bye' });
    expect(out.content).toContain('**Case #1**: kicked');
    const calls = await w.fake.calls();
    const dm = calls.findIndex((c) => c.route === '/channels/{channel_id}/messages' && JSON.stringify(c.body).includes('bye') && c.method === 'POST');
    const kick = calls.findIndex((c) => c.method === 'DELETE' && c.route === '/guilds/{guild_id}/members/{user_id}');
    expect(dm).toBeGreaterThanOrEqual(0);
    expect(dm).toBeLessThan(kick);
    expect(await w.fake.member(w.g.guildId, target.user.id)).toBeNull();
    expect(calls[kick]!.reason).toContain('bye');
  });

  it('/ban with a duration and message deletion, then /unban cancels the scheduled unban', async () => {
    const out = await w.run(w.moderator, 'ban', { member: { user: target.user.id }, reason: 'raid', duration: '7d', delete_messages: 86_400 });
    expect(out.content).toContain('**Case #1**: banned');
    const [ban] = await w.fake.calls({ method: 'PUT', route: '/guilds/{guild_id}/bans/{user_id}' });
    expect(ban!.body).toEqual({ delete_message_seconds: 86_400 });
    const punishments = new GuildPunishments(getDb(w.env), w.g.guildId);
    expect((await punishments.live(target.user.id, 'ban'))?.status).toBe('pending');
    const un = await w.run(w.moderator, 'unban', { user: { user: target.user.id }, reason: 'appeal' });
    expect(un.content).toContain('**Case #2**: unbanned');
    expect(await w.fake.bans(w.g.guildId)).toHaveLength(0);
    expect(await punishments.live(target.user.id, 'ban')).toBeNull();
  });

  it('/ban of a user who is not a member; a permanent ban cancels a pending unban', async () => {
    const outsider = await w.fake.addUser({});
    await w.run(w.moderator, 'ban', { member: { user: outsider.id }, reason: 'alt', duration: '1d' });
    await w.run(w.moderator, 'ban', { member: { user: outsider.id }, reason: 'for good' });
    expect(await new GuildPunishments(getDb(w.env), w.g.guildId).live(outsider.id, 'ban')).toBeNull();
    expect((await cases().byNumber(2))?.dmSent).toBeNull();
  });

  it('/softban bans and unbans', async () => {
    const out = await w.run(w.moderator, 'softban', { member: { user: target.user.id }, reason: 'spam links' });
    expect(out.content).toContain('**Case #1**: softbanned');
    expect(await w.fake.calls({ method: 'PUT', route: '/guilds/{guild_id}/bans/{user_id}' })).toHaveLength(1);
    expect(await w.fake.calls({ method: 'DELETE', route: '/guilds/{guild_id}/bans/{user_id}' })).toHaveLength(1);
    expect(await w.fake.bans(w.g.guildId)).toHaveLength(0);
  });

  it('/softban whose unban fails still records the ban and says so', async () => {
    // Three 500s: the REST client retries a DELETE twice after a 5xx, so one would not be a failure.
    await w.fake.failNext({ method: 'DELETE', route: '/guilds/{guild_id}/bans/{user_id}', status: 500, times: 3 });
    const out = await w.run(w.moderator, 'softban', { member: { user: target.user.id }, reason: 'spam' });
    expect(out.content).toContain('**Case #1**: softbanned');
    expect(out.content).toContain('They are still banned: use `/unban`.');
    expect(await w.fake.bans(w.g.guildId)).toHaveLength(1);
  });

  it('20 concurrent /warn through the Worker get case numbers 1..20', async () => {
    const targets = await Promise.all(Array.from({ length: 20 }, () => w.member()));
    const outs = await Promise.all(targets.map((t) => w.run(w.helper, 'warn', { member: { user: t.user.id }, reason: 'wave' })));
    const numbers = outs.map((o) => Number(/Case #(\d+)/.exec(o.content)?.[1])).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await w.modLog()).toHaveLength(20);
  });

  it('/unban of someone not banned is a clear error and no case', async () => {
    const outsider = await w.fake.addUser({});
    const out = await w.run(w.moderator, 'unban', { user: { user: outsider.id }, reason: 'x' });
    expect(out.content).toBe("I can't unban them: that user is not banned.");
    expect(await caseCount(outsider.id)).toBe(0);
  });

  it('/purge deletes recent messages, skips those older than 14 days and says so', async () => {
    const channel = w.g.channels.general!;
    await w.fake.seedMessage(channel, { authorId: target.user.id, content: 'ancient spam', timestamp: Date.now() - 20 * 86_400_000 });
    for (let i = 0; i < 3; i++) await w.fake.seedMessage(channel, { authorId: target.user.id, content: `spam ${i}` });
    await w.fake.seedMessage(channel, { authorId: w.helper.user.id, content: 'hello' });
    const out = await w.run(w.moderator, 'purge', { count: 10, user: { user: target.user.id } });
    expect(out.content).toContain('Deleted 3 messages.');
    expect(out.content).toContain('Skipped 1 older than 14 days');
    const left = (await w.fake.messages(channel)).map((m) => m.content);
    expect(left).toEqual(['ancient spam', 'hello']);
  });
});

describe('button ownership', () => {
  it('/cases pages only turn for the invoker', async () => {
    for (let i = 0; i < 12; i++) await cases().create({ type: 'warn', actorId: w.helper.user.id, targetId: target.user.id, reason: `w${i}` });
    const out = await w.run(w.helper, 'cases', { member: { user: target.user.id } });
    expect(out.message?.embeds?.[0]?.footer?.text).toBe('Page 1 of 2 · 12 cases');
    const buttons = (out.message?.components?.[0] as { components: { custom_id: string; style: number; disabled?: boolean }[] }).components;
    expect(buttons[0]!.disabled).toBe(true);
    expect(buttons[1]!.style).toBe(ButtonStyle.Secondary);
    const message = { id: '1', channel_id: w.g.channels.general!, components: out.message!.components, embeds: out.message!.embeds } as never;
    const refused = await w.press(w.moderator, buttons[1]!.custom_id, message);
    expect(refused.response.type).toBe(4);
    expect(refused.content).toContain('Only the person who opened this list');
    const next = await w.press(w.helper, buttons[1]!.custom_id, message);
    expect(next.response.type).toBe(7);
    expect((next.response as { data: { embeds: { footer: { text: string } }[] } }).data.embeds[0]!.footer.text).toBe('Page 2 of 2 · 12 cases');
  });
});
