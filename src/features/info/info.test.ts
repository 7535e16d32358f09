import type { APIEmbed } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guildWorld, type GuildWorld, type Person } from '../../testing/guild-world';
import { embedLength, EMBED_LIMITS } from './embed-text';

let w: GuildWorld;
let loaded: Person;

function assertWithinLimits(embed: APIEmbed | undefined): APIEmbed {
  expect(embed).toBeDefined();
  const e = embed!;
  expect(e.title?.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.title);
  expect(e.description?.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.description);
  expect(e.fields?.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.fields);
  for (const f of e.fields ?? []) {
    expect(f.name.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldName);
    expect(f.value.length).toBeGreaterThan(0);
    expect(f.value.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
  }
  expect(embedLength(e as never)).toBeLessThanOrEqual(EMBED_LIMITS.total);
  return e;
}
const field = (e: APIEmbed, prefix: string) => e.fields?.find((f) => f.name.startsWith(prefix));

beforeEach(async () => {
  w = await guildWorld({ roles: Array.from({ length: 100 }, (_, i) => ({ name: `Role ${i + 1}`, position: i + 1, permissions: i === 0 ? ['ManageMessages', 'KickMembers'] : 0 })) });
  loaded = await w.member({ roles: Array.from({ length: 100 }, (_, i) => `Role ${i + 1}`) });
});
afterEach(async () => {
  await w.fake.assertNoViolations();
});

describe('info commands', () => {
  it('/userinfo renders a member with 100 roles within the embed limits ("and N more"), publicly for members', async () => {
    const viewer = await w.member();
    const out = await w.run(viewer, 'userinfo', { member: { user: loaded.user.id } });
    expect(out.ephemeral).toBe(false);
    const e = assertWithinLimits(out.message?.embeds?.[0]);
    const roles = field(e, 'Roles (100)')!;
    expect(roles.value).toMatch(/ and \d+ more$/);
    expect(field(e, 'Account created')!.value).toMatch(/^<t:\d+:F>/);
    expect(field(e, 'Joined')).toBeDefined();
    expect(field(e, 'Staff level')!.value).toBe('everyone');
    expect(field(e, 'Moderation')).toBeUndefined();
  });

  it('staff also see the moderation summary, in an ephemeral reply; "User info" on the context menu is the same card', async () => {
    await w.run(w.moderator, 'warn', { member: { user: loaded.user.id }, reason: 'spam' });
    const out = await w.run(w.helper, 'userinfo', { member: { user: loaded.user.id } });
    expect(out.ephemeral).toBe(true);
    const e = assertWithinLimits(out.message?.embeds?.[0]);
    expect(field(e, 'Moderation (staff only)')!.value).toContain('1 case: 1 warn');
    const menu = await w.runUser(w.helper, 'User info', loaded);
    const m = assertWithinLimits(menu.message?.embeds?.[0]);
    expect(field(m, 'Roles (100)')!.value).toMatch(/ and \d+ more$/);
    expect(field(m, 'Moderation (staff only)')).toBeDefined();
    const self = await w.run(w.moderator, 'userinfo', {});
    expect(field(self.message!.embeds![0]!, 'Staff level')!.value).toBe('moderator');
  });

  it('/serverinfo fits a guild with 100+ roles', async () => {
    const out = await w.run(loaded, 'serverinfo');
    const e = assertWithinLimits(out.message?.embeds?.[0]);
    expect(e.title).toBe('Utility Test');
    expect(field(e, 'Roles (')!.value).toMatch(/ and \d+ more$/);
    expect(field(e, 'Members')!.value).toMatch(/^\d+/);
    expect(field(e, 'Channels (2)')!.value).toBe('2 text · 0 voice · 0 categories');
  });

  it('/roleinfo counts members with the role and names its permissions in words', async () => {
    const out = await w.run(loaded, 'roleinfo', { role: { role: w.g.roles['Role 1']! } });
    const e = assertWithinLimits(out.message?.embeds?.[0]);
    expect(field(e, 'Members')!.value).toBe('1');
    expect(field(e, 'Permissions')!.value).toBe('Kick Members, Manage Messages');
    const admin = await w.run(loaded, 'roleinfo', { role: { role: w.g.botRoleId } });
    expect(field(admin.message!.embeds![0]!, 'Settings')!.value).toContain('managed by an integration');
  });

  it('/avatar links the global avatar in several sizes', async () => {
    const out = await w.run(loaded, 'avatar', { member: { user: loaded.user.id } });
    const e = assertWithinLimits(out.message?.embeds?.[0]);
    expect(e.description).toMatch(/\*\*Global\*\*: .*\[4096\]\(https:\/\/cdn\.discordapp\.com\/avatars\//);
    expect(e.description).toContain('**Server**: none');
    expect(e.image?.url).toContain('size=1024');
  });
});
