/**
 * Every action command against every refusal the issue lists: level too low, target above
 * the actor, the bot's role below the target, and 50013 from Discord (the attempt is kept as a
 * failed case, never posted as if it happened).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { GuildCases } from './cases.repo';
import { modWorld, type ModWorld, type Opt, type Person } from './moderation.fixture';

interface Spec {
  command: string;
  /** The lowest level that may use it, for the "level too low" case. */
  level: 'helper' | 'moderator';
  options: (target: Person) => Record<string, Opt>;
  /** Brings the target into the state the command undoes. */
  setup?: (w: ModWorld, target: Person) => Promise<void>;
  /** The Discord call to fail with 50013, and the sentence expected. */
  fail?: { method: string; route: string; message: string };
  /** The target need not be a member (hierarchy does not apply). */
  anyUser?: boolean;
  /** The member's DM, in their own words (server "Mod Test", reason "r"); null: no DM. */
  dm: string | null;
}

const member = '/guilds/{guild_id}/members/{user_id}';
const role = '/guilds/{guild_id}/members/{user_id}/roles/{role_id}';
const bans = '/guilds/{guild_id}/bans/{user_id}';
const refused = (verb: string, perm: string) => `I can't ${verb}: Discord says I'm missing the **${perm}** permission, or my highest role is below theirs.`;
const byUser = (t: Person) => ({ member: { user: t.user.id }, reason: 'r' });

const specs: Spec[] = [
  { command: 'warn', dm: 'You were warned in **Mod Test**.\nReason: r', level: 'helper', options: byUser },
  { command: 'timeout', dm: 'You were timed out in **Mod Test** for 1h.\nReason: r', level: 'moderator', options: (t) => ({ ...byUser(t), duration: '1h' }), fail: { method: 'PATCH', route: member, message: refused('time them out', 'Timeout Members') } },
  {
    command: 'untimeout', dm: 'Your timeout in **Mod Test** was lifted.\nReason: r',
    level: 'moderator',
    options: byUser,
    setup: (w, t) => w.run(w.owner, 'timeout', { ...byUser(t), duration: '1h' }).then(() => undefined),
    fail: { method: 'PATCH', route: member, message: refused('remove their timeout', 'Timeout Members') },
  },
  { command: 'mute', dm: 'You were muted in **Mod Test**.\nReason: r', level: 'moderator', options: byUser, fail: { method: 'PUT', route: role, message: refused('mute them', 'Manage Roles') } },
  {
    command: 'unmute', dm: 'You were unmuted in **Mod Test**.\nReason: r',
    level: 'moderator',
    options: byUser,
    setup: (w, t) => w.run(w.owner, 'mute', byUser(t)).then(() => undefined),
    fail: { method: 'DELETE', route: role, message: refused('unmute them', 'Manage Roles') },
  },
  { command: 'suspend', dm: 'You were suspended in **Mod Test**.\nReason: r', level: 'moderator', options: byUser, fail: { method: 'PATCH', route: member, message: refused('suspend them', 'Manage Roles') } },
  {
    command: 'unsuspend', dm: 'Your suspension in **Mod Test** was lifted.\nReason: r',
    level: 'moderator',
    options: byUser,
    setup: (w, t) => w.run(w.owner, 'suspend', byUser(t)).then(() => undefined),
    fail: { method: 'PATCH', route: member, message: refused('lift their suspension', 'Manage Roles') },
  },
  { command: 'kick', dm: 'You are being kicked from **Mod Test**.\nReason: r', level: 'moderator', options: byUser, fail: { method: 'DELETE', route: member, message: refused('kick them', 'Kick Members') } },
  { command: 'ban', dm: 'You are being banned from **Mod Test**.\nReason: r', level: 'moderator', options: byUser, fail: { method: 'PUT', route: bans, message: refused('ban them', 'Ban Members') } },
  { command: 'softban', dm: 'You are being softbanned from **Mod Test**: banned and unbanned at once, which deletes your recent messages. You may rejoin with an invite.\nReason: r', level: 'moderator', options: byUser, fail: { method: 'PUT', route: bans, message: refused('softban them', 'Ban Members') } },
  {
    command: 'unban', dm: null,
    level: 'moderator',
    anyUser: true,
    options: (t) => ({ user: { user: t.user.id }, reason: 'r' }),
    setup: (w, t) => w.run(w.owner, 'ban', byUser(t)).then(() => undefined),
    fail: { method: 'DELETE', route: bans, message: refused('unban them', 'Ban Members') },
  },
];

let w: ModWorld;
let target: Person;
const cases = () => new GuildCases(getDb(w.env), w.g.guildId).forTarget(target.user.id, 0, 50).then((r) => r.rows.map((c) => c.type));

beforeEach(async () => {
  w = await modWorld();
  target = await w.member();
  await w.run(w.owner, 'modconfig', { muted_role: { role: w.g.roles.Muted! }, suspended_role: { role: w.g.roles.Suspended! } }, 'roles');
});
afterEach(async () => {
  await w.fake.assertNoViolations();
});

describe.each(specs)('/$command', (spec) => {
  it('succeeds for a staff member of the right level', async () => {
    await spec.setup?.(w, target);
    const before = await cases();
    const actor = spec.level === 'helper' ? w.helper : w.moderator;
    const out = await w.run(actor, spec.command, spec.options(target));
    expect(out.content).toMatch(/^\*\*Case #\d+\*\*: /);
    expect((await cases()).length).toBe(before.length + 1);
    expect((await w.modLog()).at(-1)?.embeds[0]?.title).toMatch(/^Case #\d+ · /);
    const dms = await w.fake.dms(target.user.id);
    if (spec.dm === null) expect(dms.length).toBe(spec.setup ? 1 : 0);
    else expect(dms.at(-1)?.content).toBe(spec.dm);
  });

  it('refuses a level too low', async () => {
    await spec.setup?.(w, target);
    const before = await cases();
    const low = spec.level === 'helper' ? await w.member() : w.helper;
    const out = await w.run(low, spec.command, spec.options(target));
    expect(out.content).toBe(`You need to be ${/^[aeiou]/.test(spec.level) ? 'an' : 'a'} ${spec.level} or above to use this.`);
    expect(await cases()).toEqual(before);
  });

  it.skipIf(spec.anyUser)('refuses a target whose role is above the actor', async () => {
    await w.fake.addMember(w.g.guildId, { userId: target.user.id, roles: [w.g.roles.Members!, w.g.roles.VIP!] });
    await spec.setup?.(w, target);
    const before = await cases();
    const out = await w.run(w.moderator, spec.command, spec.options(target));
    expect(out.content).toBe("You can't act on that member: your highest role is not above theirs.");
    expect(await cases()).toEqual(before);
  });

  it.skipIf(spec.anyUser)('refuses a target of the same staff level', async () => {
    const out = await w.run(w.moderator, spec.command, spec.options(w.moderator2));
    expect(out.content).toContain('your staff level (moderator) is not above theirs (moderator)');
  });

  it.skipIf(spec.anyUser)("refuses when the bot's highest role is below the target's", async () => {
    await spec.setup?.(w, target);
    const elite = await w.fake.addRole(w.g.guildId, { name: 'Elite', position: 20 });
    await w.fake.addMember(w.g.guildId, { userId: target.user.id, roles: [w.g.roles.Members!, elite.id] });
    const before = await cases();
    const out = await w.run(w.owner, spec.command, spec.options(target));
    expect(out.content).toBe("I can't act on that member: my highest role is below theirs.");
    expect(await cases()).toEqual(before);
  });

  it.skipIf(!spec.fail)('turns 50013 from Discord into a clear message and keeps the attempt as a failed case', async () => {
    await spec.setup?.(w, target);
    const before = await cases();
    const logged = (await w.modLog()).length;
    await w.fake.failNext({ method: spec.fail!.method, route: spec.fail!.route, status: 403, code: 50013 });
    const out = await w.run(w.moderator, spec.command, spec.options(target));
    const number = before.length + 1;
    expect(out.content).toBe(`${spec.fail!.message}\nCase #${number} is kept, marked failed.`);
    const failed = await new GuildCases(getDb(w.env), w.g.guildId).byNumber(number);
    expect(failed).toMatchObject({ type: spec.command, state: 'failed', lastError: spec.fail!.message });
    expect(await w.modLog()).toHaveLength(logged);
  });
});
