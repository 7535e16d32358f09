import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guildWorld, type GuildWorld } from '../../testing/guild-world';

let w: GuildWorld;
beforeEach(async () => {
  w = await guildWorld();
});
afterEach(async () => {
  await w.fake.assertNoViolations();
});

describe('/snippet', () => {
  it('moderators add, edit and remove; staff list and autocomplete; names collide and are checked', async () => {
    const added = await w.run(w.moderator, 'snippet', { name: 'Welcome', content: 'Hi! How can we help?', anonymous: true }, 'add');
    expect(added.content).toBe('Added the snippet `welcome` (anonymous by default). Send it in a ticket with `/snippet use welcome`.');
    expect((await w.run(w.moderator, 'snippet', { name: 'welcome', content: 'again' }, 'add')).content).toBe(
      'A snippet named `welcome` already exists. Change it with `/snippet edit`.',
    );
    expect((await w.run(w.moderator, 'snippet', { name: 'two words', content: 'x' }, 'add')).content).toContain("can't be a snippet name");
    expect((await w.run(w.helper, 'snippet', { name: 'faq', content: 'x' }, 'add')).content).toMatch(/moderator/i);
    await w.run(w.moderator, 'snippet', { name: 'wait', content: 'Please wait while we look into it.' }, 'add');
    expect((await w.run(w.moderator, 'snippet', { name: 'WAIT', content: 'One moment please.', anonymous: true }, 'edit')).content).toBe('Updated the snippet `wait`.');

    const list = await w.run(w.helper, 'snippet', {}, 'list');
    expect(list.ephemeral).toBe(true);
    expect(list.message?.embeds?.[0]?.description).toBe('`wait` · anonymous · used 0× — One moment please.\n`welcome` · anonymous · used 0× — Hi! How can we help?');
    const member = await w.member();
    expect((await w.run(member, 'snippet', {}, 'list')).content).toMatch(/helper/i);
    expect((await w.complete(w.helper, 'snippet', 'use', 'name', 'w')).map((c) => c.name)).toEqual(['wait', 'welcome']);
    expect((await w.complete(w.helper, 'snippet', 'use', 'name', 'wel')).map((c) => c.name)).toEqual(['welcome']);

    expect((await w.run(w.moderator, 'snippet', { name: 'wait' }, 'remove')).content).toBe('Removed the snippet `wait` (used 0×).');
    expect((await w.run(w.moderator, 'snippet', { name: 'wait' }, 'remove')).content).toBe('There is no snippet `wait`.');
    expect((await w.run(w.helper, 'snippet', { name: 'welcome' }, 'use')).content).toBe("`/snippet use` works in a modmail ticket's staff thread.");
  });
});
