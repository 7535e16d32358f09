import type { APIMessage } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guildWorld, type GuildWorld, type Person } from '../../testing/guild-world';

let w: GuildWorld;
const ROLES = ['Red', 'Blue', 'Green', 'Verified'];
const PUT_ROLE = { method: 'PUT', route: '/guilds/{guild_id}/members/{user_id}/roles/{role_id}' };

beforeEach(async () => {
  w = await guildWorld({ roles: ROLES.map((name, i) => ({ name, position: i + 1 })) });
});
afterEach(async () => {
  await w.fake.assertNoViolations();
});

const id = (name: string) => w.g.roles[name]!;
const role = (name: string) => ({ role: id(name) });

/** Creates a menu, adds roles, posts it in #general and returns the posted message. */
async function postedMenu(name: string, mode: string, roles: string[], extra: Record<string, string | number | { role: string }> = {}): Promise<APIMessage> {
  expect((await w.run(w.admin, 'rolemenu', { name, mode, ...extra }, 'create')).content).toContain(`Created the role menu **${name}**`);
  for (const r of roles) expect((await w.run(w.admin, 'rolemenu', { name, role: role(r) }, 'add')).content).toContain(`Added <@&${id(r)}>`);
  const post = await w.run(w.admin, 'rolemenu', { name, channel: { channel: w.g.channels.general! } }, 'post');
  expect(post.content).toContain(`Posted **${name}**`);
  return (await w.fake.messages(w.g.channels.general!)).at(-1)!;
}

function customIdOf(message: APIMessage, roleName: string): string {
  const rows = message.components as unknown as { components: { custom_id?: string }[] }[];
  const ids = rows.flatMap((row) => row.components).map((c) => c.custom_id ?? '');
  const found = ids.find((cid) => cid.endsWith(`:${id(roleName)}`));
  if (!found) throw new Error(`no button for ${roleName} in ${ids.join(', ')}`);
  return found;
}

async function press(p: Person, message: APIMessage, roleName: string) {
  const fresh = await w.refresh(p);
  return w.press(fresh, customIdOf(message, roleName), message);
}

const rolesOf = async (p: Person) => (await w.refresh(p)).roles;

describe('role menus: modes', () => {
  it('toggle: a press adds the role (audit-log reason), a second press removes it; the answer is ephemeral and says what changed', async () => {
    const msg = await postedMenu('Colours', 'toggle', ['Red', 'Blue']);
    expect(msg.embeds[0]!.title).toBe('Colours');
    const m = await w.member();
    const first = await press(m, msg, 'Red');
    expect(first.ephemeral).toBe(true);
    expect(first.content).toBe(`Added <@&${id('Red')}>.`);
    expect(await rolesOf(m)).toEqual([id('Red')]);
    const [call] = await w.fake.calls(PUT_ROLE);
    expect(call!.reason).toBe('Role menu "Colours"');
    await press(m, msg, 'Blue');
    expect((await rolesOf(m)).sort()).toEqual([id('Red'), id('Blue')].sort());
    const again = await press(m, msg, 'Red');
    expect(again.content).toBe(`Removed <@&${id('Red')}>.`);
    expect(await rolesOf(m)).toEqual([id('Blue')]);
  });

  it('unique: picking another role swaps it', async () => {
    const msg = await postedMenu('Team', 'unique', ['Red', 'Blue', 'Green']);
    const m = await w.member();
    await press(m, msg, 'Red');
    const swap = await press(m, msg, 'Blue');
    expect(swap.content).toBe(`Added <@&${id('Blue')}>.\nRemoved <@&${id('Red')}>.`);
    expect(await rolesOf(m)).toEqual([id('Blue')]);
  });

  it('add-only: a role is never removed by the menu', async () => {
    const msg = await postedMenu('Rules', 'add-only', ['Verified']);
    const m = await w.member();
    await press(m, msg, 'Verified');
    const again = await press(m, msg, 'Verified');
    expect(again.content).toBe(`You already have <@&${id('Verified')}>.`);
    expect(await rolesOf(m)).toEqual([id('Verified')]);
    expect(await w.fake.calls({ method: 'DELETE', route: PUT_ROLE.route })).toHaveLength(0);
  });

  it('a select menu switches each chosen role', async () => {
    await w.run(w.admin, 'rolemenu', { name: 'Pings', mode: 'toggle', style: 'select' }, 'create');
    for (const r of ['Red', 'Blue']) await w.run(w.admin, 'rolemenu', { name: 'Pings', role: role(r) }, 'add');
    await w.run(w.admin, 'rolemenu', { name: 'Pings', channel: { channel: w.g.channels.general! } }, 'post');
    const msg = (await w.fake.messages(w.g.channels.general!)).at(-1)!;
    const select = (msg.components![0] as { components: { custom_id: string; options: unknown[]; max_values: number }[] }).components[0]!;
    expect(select.options).toHaveLength(2);
    const m = await w.member();
    const out = await w.choose(m, select.custom_id, [id('Red'), id('Blue')], msg);
    expect(out.content).toBe(`Added <@&${id('Red')}>, <@&${id('Blue')}>.`);
    expect((await rolesOf(m)).sort()).toEqual([id('Red'), id('Blue')].sort());
  });
});

describe('role menus: limits and required role', () => {
  it('max per member: a second role is refused until one is dropped', async () => {
    const msg = await postedMenu('One', 'toggle', ['Red', 'Blue'], { max: 1 });
    const m = await w.member();
    await press(m, msg, 'Red');
    const refused = await press(m, msg, 'Blue');
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain("You can have at most 1 of this menu's roles");
    expect(await rolesOf(m)).toEqual([id('Red')]);
    await press(m, msg, 'Red');
    await press(m, msg, 'Blue');
    expect(await rolesOf(m)).toEqual([id('Blue')]);
  });

  it('required role: members without it are told which role they need', async () => {
    const msg = await postedMenu('Members only', 'toggle', ['Red'], { required_role: role('Verified') });
    const outsider = await w.member();
    const refused = await press(outsider, msg, 'Red');
    expect(refused.content).toBe(`You need the <@&${id('Verified')}> role to use this menu.`);
    expect(await rolesOf(outsider)).toEqual([]);
    const insider = await w.member({ roles: ['Verified'] });
    expect((await press(insider, msg, 'Red')).content).toBe(`Added <@&${id('Red')}>.`);
  });

  it("refuses a 26th role (Discord's component limit), a duplicate, and a name that exists", async () => {
    const many = await guildWorld({ roles: Array.from({ length: 26 }, (_, i) => ({ name: `R${i}`, position: i + 1 })) });
    await many.run(many.admin, 'rolemenu', { name: 'Big', mode: 'toggle' }, 'create');
    for (let i = 0; i < 25; i++) {
      await many.run(many.admin, 'rolemenu', { name: 'Big', role: { role: many.g.roles[`R${i}`]! } }, 'add');
      if (i === 0) {
        const dup = await many.run(many.admin, 'rolemenu', { name: 'Big', role: { role: many.g.roles.R0! } }, 'add');
        expect(dup.content).toContain('is already on **Big**');
      }
    }
    const full = await many.run(many.admin, 'rolemenu', { name: 'Big', role: { role: many.g.roles.R25! } }, 'add');
    expect(full.content).toContain("already has 25 roles, Discord's limit");
    const again = await many.run(many.admin, 'rolemenu', { name: 'Big', mode: 'unique' }, 'create');
    expect(again.content).toBe('A role menu named `Big` already exists.');
    await many.run(many.admin, 'rolemenu', { name: 'Big', channel: { channel: many.g.channels.general! } }, 'post');
    const msg = (await many.fake.messages(many.g.channels.general!)).at(-1)!;
    expect(msg.components).toHaveLength(5);
    await many.fake.assertNoViolations();
  }, 60_000);

  it('only administrators manage menus', async () => {
    const out = await w.run(w.moderator, 'rolemenu', { name: 'X', mode: 'toggle' }, 'create');
    expect(out.ephemeral).toBe(true);
    expect(out.content).toMatch(/administrator/i);
  });
});

describe('role menus: hierarchy', () => {
  it('refuses at setup a role above the bot, a managed role and @everyone', async () => {
    await w.run(w.admin, 'rolemenu', { name: 'M', mode: 'toggle' }, 'create');
    const high = await w.fake.addRole(w.g.guildId, { name: 'High', position: 50 });
    const above = await w.run(w.admin, 'rolemenu', { name: 'M', role: { role: high.id } }, 'add');
    expect(above.ephemeral).toBe(true);
    expect(above.content).toContain('it is not below my highest role');
    const managed = await w.run(w.admin, 'rolemenu', { name: 'M', role: { role: w.g.botRoleId } }, 'add');
    expect(managed.content).toContain('is managed by an integration');
    const everyone = await w.run(w.admin, 'rolemenu', { name: 'M', role: { role: w.g.guildId } }, 'add');
    expect(everyone.content).toContain('@everyone');
    const list = await w.run(w.admin, 'rolemenu', {}, 'list');
    expect(list.message?.embeds?.[0]?.description).toContain('not posted');
    const post = await w.run(w.admin, 'rolemenu', { name: 'M', channel: { channel: w.g.channels.general! } }, 'post');
    expect(post.content).toContain('has no roles yet');
  });

  it('tells the member clearly when Discord refuses at press time (role moved above the bot, role deleted)', async () => {
    const msg = await postedMenu('Colours', 'toggle', ['Red', 'Blue']);
    await w.fake.updateRole(w.g.guildId, id('Red'), { position: 60 });
    const m = await w.member();
    const refused = await press(m, msg, 'Red');
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe(`Discord refused to let me give you <@&${id('Red')}>: my highest role is no longer above it (or I lost Manage Roles). Please tell staff.`);
    expect(await rolesOf(m)).toEqual([]);
    await w.fake.deleteRole(w.g.guildId, id('Blue'));
    const gone = await press(m, msg, 'Blue');
    expect(gone.content).toBe("I couldn't give you that role: it was deleted after this menu was posted. Please tell staff.");
  });
});

describe('role menus: editing a posted menu', () => {
  it('adding or removing a role edits the posted message; a deleted menu answers its buttons', async () => {
    const msg = await postedMenu('Colours', 'toggle', ['Red']);
    const added = await w.run(w.admin, 'rolemenu', { name: 'Colours', role: role('Blue') }, 'add');
    expect(added.content).toContain('The posted menu was updated.');
    let [posted] = await w.fake.messages(w.g.channels.general!);
    expect(posted!.id).toBe(msg.id);
    expect(posted!.embeds[0]!.description).toContain(`<@&${id('Blue')}>`);
    expect(customIdOf(posted!, 'Blue')).toMatch(/^role-menus\.pick:\d+:\d+$/);
    await w.run(w.admin, 'rolemenu', { name: 'Colours', role: role('Red') }, 'remove');
    [posted] = await w.fake.messages(w.g.channels.general!);
    expect(posted!.embeds[0]!.description).not.toContain(`<@&${id('Red')}>`);
    // A stale button for a role taken off the menu.
    const stale = await press(await w.member(), msg, 'Red');
    expect(stale.content).toContain('That role is no longer on this menu');
    // Editing the settings re-renders the posted message too (buttons → select, unique).
    const edited = await w.run(w.admin, 'rolemenu', { name: 'Colours', mode: 'unique', style: 'select' }, 'edit');
    expect(edited.content).toBe('Updated **Colours**. The posted menu was updated.');
    [posted] = await w.fake.messages(w.g.channels.general!);
    const select = (posted!.components![0] as unknown as { components: { type: number; max_values: number }[] }).components[0]!;
    expect(select).toMatchObject({ type: 3, max_values: 1 });
    expect(posted!.embeds[0]!.description).toContain('picking another swaps it');
    const deleted = await w.run(w.admin, 'rolemenu', { name: 'Colours' }, 'delete');
    expect(deleted.content).toContain('Deleted the role menu **Colours**');
    expect(await w.fake.messages(w.g.channels.general!)).toHaveLength(0);
    const orphan = await w.choose(await w.member(), `role-menus.choose:${/:(\d+):/.exec(customIdOf(msg, 'Red'))![1]}`, [id('Blue')], posted!);
    expect(orphan.content).toBe('This role menu no longer exists.');
  });
});
