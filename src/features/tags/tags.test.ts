import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guildWorld, type GuildWorld } from '../../testing/guild-world';

let w: GuildWorld;
const MENTION_EVERYONE = String(1n << 17n);

beforeEach(async () => {
  w = await guildWorld();
});
afterEach(async () => {
  await w.fake.assertNoViolations();
});

describe('tags', () => {
  it('moderators create, edit and delete; anyone shows; names that collide are refused; uses are counted', async () => {
    const created = await w.run(w.moderator, 'tag', { name: 'Rules', content: 'Read #rules first.' }, 'create');
    expect(created.ephemeral).toBe(true);
    expect(created.content).toContain('Created the tag `rules`');
    const clash = await w.run(w.moderator, 'tag', { name: 'rules', content: 'again' }, 'create');
    expect(clash.content).toBe('A tag named `rules` already exists. Change it with `/tag edit` or pick another name.');
    const badName = await w.run(w.moderator, 'tag', { name: 'no spaces!', content: 'x' }, 'create');
    expect(badName.content).toContain("can't be a tag name");
    const member = await w.member();
    const denied = await w.run(member, 'tag', { name: 'faq', content: 'x' }, 'create');
    expect(denied.ephemeral).toBe(true);
    expect(denied.content).toMatch(/moderator/i);
    const shown = await w.run(member, 'tag', { name: 'rules' }, 'show');
    expect(shown.ephemeral).toBe(false);
    expect(shown.content).toBe('Read #rules first.');
    expect((await w.run(w.moderator, 'tag', { name: 'rules', content: 'Read the rules channel.' }, 'edit')).content).toBe('Updated the tag `rules`.');
    expect((await w.run(member, 'tag', { name: 'RULES' }, 'show')).content).toBe('Read the rules channel.');
    expect((await w.run(member, 'tag', { name: 'nope' }, 'show')).content).toContain('There is no tag `nope`');
    const list = await w.run(member, 'tag', {}, 'list');
    expect(list.message?.embeds?.[0]?.description).toContain('`rules` · used 2×');
    expect((await w.run(w.moderator, 'tag', { name: 'rules' }, 'delete')).content).toBe('Deleted the tag `rules` (used 2×).');
    expect((await w.run(member, 'tag', { name: 'rules' }, 'show')).content).toContain('There is no tag');
  });

  it('autocomplete suggests the guild’s tags by prefix, most used first, and never another guild’s', async () => {
    for (const name of ['welcome', 'wiki', 'warn-policy', 'faq']) await w.run(w.moderator, 'tag', { name, content: `${name}!` }, 'create');
    await w.run(w.moderator, 'tag', { name: 'wiki' }, 'show');
    const other = await guildWorld();
    await other.run(other.moderator, 'tag', { name: 'wow', content: 'elsewhere' }, 'create');
    const member = await w.member();
    expect((await w.complete(member, 'tag', 'show', 'name', 'w')).map((c) => c.name)).toEqual(['wiki', 'warn-policy', 'welcome']);
    expect((await w.complete(member, 'tag', 'show', 'name', 'WE')).map((c) => c.value)).toEqual(['welcome']);
    expect(await w.complete(member, 'tag', 'show', 'name', 'zzz')).toEqual([]);
    await other.fake.assertNoViolations();
  });

  it('never pings unless the tag allows it, and only an author who may mention everyone can allow it', async () => {
    await w.run(w.moderator, 'tag', { name: 'ping', content: 'Hey @everyone and <@&123456789012345678>' }, 'create');
    const member = await w.member();
    const target = await w.member();
    await w.run(member, 'tag', { name: 'ping', member: { user: target.user.id } }, 'show');
    const [quiet] = (await w.fake.calls({ route: '/interactions/{interaction_id}/{interaction_token}/callback' })).slice(-1);
    const quietData = (quiet!.body as { data: { content: string; allowed_mentions: unknown } }).data;
    expect(quietData.content).toBe(`<@${target.user.id}> Hey @everyone and <@&123456789012345678>`);
    expect(quietData.allowed_mentions).toEqual({ parse: [], users: [target.user.id] });

    const refused = await w.run(w.moderator, 'tag', { name: 'loud', content: '@everyone', allow_mentions: true }, 'create');
    expect(refused.content).toContain("You can't make a tag that pings");
    const allowed = { ...w.moderator, permissions: MENTION_EVERYONE };
    expect((await w.run(allowed, 'tag', { name: 'loud', content: '@everyone event now', allow_mentions: true }, 'create')).content).toContain('it pings what it mentions');
    await w.run(member, 'tag', { name: 'loud' }, 'show');
    const [loud] = (await w.fake.calls({ route: '/interactions/{interaction_id}/{interaction_token}/callback' })).slice(-1);
    expect((loud!.body as { data: { allowed_mentions: unknown } }).data.allowed_mentions).toEqual({ parse: ['users', 'roles', 'everyone'] });
  });
});
