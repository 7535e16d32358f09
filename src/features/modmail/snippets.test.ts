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
    expect((await w.run(w.helper, 'snippet', { name: 'welcome' }, 'use')).content).toBe('This only works in a modmail ticket’s thread.');
  });
});

describe('/snippet use in a ticket', () => {
  it('sends the snippet through the reply path, anonymous by its setting or as asked, and records the use', async () => {
    const { opsWorld } = await import('./modmail-ops.fixture');
    const o = await opsWorld();
    const member = await o.member();
    const ticket = await o.open(member);
    await o.run(o.moderator, 'snippet', { name: 'hello', content: 'Hi, how can we help?', anonymous: true }, 'add');
    await o.run(o.helper, 'snippet', { name: 'hello' }, 'use', { channelId: ticket.threadId! });
    await o.run(o.helper, 'snippet', { name: 'hello', anonymous: false }, 'use', { channelId: ticket.threadId! });
    const entries = (await o.transcript(ticket.id)).slice(2);
    expect(entries.map((e) => [e.kind, e.action, e.anonymous, e.content])).toEqual([
      ['action', 'snippet', false, 'Snippet `hello` (anonymous)'],
      ['message_out', null, true, 'Hi, how can we help?'],
      ['action', 'snippet', false, 'Snippet `hello`'],
      ['message_out', null, false, 'Hi, how can we help?'],
    ]);
    const dms = (await o.fake.calls({ method: 'POST', route: '/channels/{channel_id}/messages' }))
      .map((c) => (c.body as { embeds?: { author?: { name?: string }; description?: string }[] }).embeds?.[0])
      .filter((e) => e?.description === 'Hi, how can we help?')
      .map((e) => e!.author?.name);
    expect(dms).toEqual(['Staff team', o.helper.user.username]);
    expect((await o.run(o.helper, 'snippet', {}, 'list')).message?.embeds?.[0]?.description).toContain('`hello` · anonymous · used 2×');
    await o.fake.assertNoViolations();
  });
});
