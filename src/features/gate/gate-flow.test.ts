import { describe, expect, it } from 'vitest';
import { ApplicationCommandOptionType, InteractionResponseType, MessageFlags, type APIMessage } from 'discord-api-types/v10';
import { group, option, slashCommand, subcommand } from '../../testing/interactions';
import { getDb } from '../../db/client';
import { createDiscord } from '../../discord';
import { gateWorld, QUESTIONS } from './gate.fixture';
import { applyAvatarRisk } from './public';

const ROLE_PUT = { method: 'PUT', route: '/guilds/{guild_id}/members/{user_id}/roles/{role_id}' };
const ROLE_DELETE = { method: 'DELETE', route: '/guilds/{guild_id}/members/{user_id}/roles/{role_id}' };
const POST_MESSAGE = { method: 'POST', route: '/channels/{channel_id}/messages' };

function buttons(message: APIMessage): { id: string; label: string; disabled: boolean }[] {
  return (message.components ?? []).flatMap((row) =>
    ((row as { components: { custom_id: string; label: string; disabled?: boolean }[] }).components ?? []).map((b) => ({ id: b.custom_id, label: b.label, disabled: b.disabled ?? false })),
  );
}

function field(message: APIMessage, name: string): string | undefined {
  return message.embeds[0]?.fields?.find((f) => f.name === name)?.value;
}

describe('gate: apply → review → accept', () => {
  it('runs the whole flow: multi-page form with a resumed draft, card, claim, accept', async () => {
    const w = await gateWorld();
    const gateMsg = (await w.fake.messages(w.g.channels.gate!)).find((m) => m.components?.length)!;
    expect(buttons(gateMsg).map((b) => b.id)).toEqual(['gate.apply']);

    const applicant = await w.applicant({ username: 'newbie' });
    // Page 1 of 2.
    const first = await w.press(gateMsg, 'gate.apply', applicant);
    expect(first.type).toBe(InteractionResponseType.Modal);
    if (first.type !== InteractionResponseType.Modal) return;
    expect(first.data.custom_id).toMatch(/^gate\.answer:1:/);
    expect(first.data.components).toHaveLength(5);
    const page1 = Object.fromEntries(
      (first.data.components as unknown as { label: string; component: { custom_id: string } }[]).map((c) => [c.component.custom_id, `A: ${c.label}`]),
    );
    const saved = await w.submit(first.data.custom_id, page1, applicant);
    expect(saved.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    const savedData = (saved as { data: { content: string; flags: number; components: { components: { custom_id: string; label: string }[] }[] } }).data;
    expect(savedData.flags & MessageFlags.Ephemeral).toBeTruthy();
    expect(savedData.components[0]!.components[0]).toMatchObject({ custom_id: 'gate.continue:2', label: 'Continue (page 2 of 2)' });

    // The applicant closes the modal and presses Apply again: the draft resumes on page 2.
    const resumed = await w.press(gateMsg, 'gate.apply', applicant);
    if (resumed.type !== InteractionResponseType.Modal) throw new Error('expected a modal');
    expect(resumed.data.custom_id).toMatch(/^gate\.answer:2:/);
    expect(resumed.data.components).toHaveLength(2);
    const page2 = Object.fromEntries(
      (resumed.data.components as unknown as { label: string; component: { custom_id: string } }[]).map((c) => [c.component.custom_id, `A: ${c.label}`]),
    );
    const done = await w.submit(resumed.data.custom_id, page2, applicant);
    expect(JSON.stringify(done)).toContain('Your application was sent');

    // The card: applicant, account age, every answer, avatar-risk line, six buttons; no pings.
    const cardPosts = await w.fake.calls({ ...POST_MESSAGE, path: `/channels/${w.g.channels.review}/messages` });
    expect(cardPosts).toHaveLength(1);
    expect((cardPosts[0]!.body as { allowed_mentions: unknown }).allowed_mentions).toEqual({ parse: [] });
    let card = await w.card(applicant.user.id);
    expect(card.embeds[0]!.description).toContain(`<@${applicant.user.id}>`);
    expect(card.embeds[0]!.description).toContain('Account: Created <t:');
    for (const [i, q] of QUESTIONS.entries()) expect(field(card, `${i + 1}. ${q}`)).toBe(`A: ${q}`);
    expect(field(card, 'Avatar risk')).toBe('Not scanned yet.');
    expect(buttons(card).map((b) => b.label)).toEqual(['Claim', 'Unclaim', 'Accept', 'Reject', 'Kick', 'Permanently reject']);
    const id = buttons(card)[0]!.id.split(':')[1]!;

    // A second application while one is pending is refused.
    const again = await w.press(gateMsg, 'gate.apply', applicant);
    expect(JSON.stringify(again)).toContain('already have an application waiting');

    // Claim by reviewer A: the card updates in place.
    const claimed = await w.press(card, `gate.claim:${id}`, w.reviewerA);
    expect(claimed.type).toBe(InteractionResponseType.UpdateMessage);
    expect(JSON.stringify(claimed)).toContain(`Claimed by <@${w.reviewerA.user.id}>`);

    // Reviewer B (same level) cannot decide on A's claim.
    const refused = await w.press(card, `gate.accept:${id}`, w.reviewerB);
    expect(JSON.stringify(refused)).toContain('has claimed application');
    expect(await w.fake.calls(ROLE_PUT)).toHaveLength(0);

    // Reviewer A accepts.
    const accepted = await w.press(card, `gate.accept:${id}`, w.reviewerA);
    expect(accepted.type).toBe(InteractionResponseType.DeferredMessageUpdate);
    const member = await w.fake.member(w.g.guildId, applicant.user.id);
    expect(member?.roles).toContain(w.g.roles.Member);
    expect(member?.roles).not.toContain(w.g.roles.Unverified);
    const dms = await w.fake.dms(applicant.user.id);
    expect(dms).toHaveLength(1);
    expect(dms[0]!.content).toContain('Gate Test');
    const welcome = await w.fake.messages(w.g.channels.welcome!);
    expect(welcome).toHaveLength(1);
    expect(welcome[0]!.content).toMatch(new RegExp(`^Welcome <@${applicant.user.id}> to Gate Test! We are \\d+ now\\.$`));
    card = await w.card(applicant.user.id);
    expect(field(card, 'Status')).toContain(`Accepted by <@${w.reviewerA.user.id}>`);
    expect(buttons(card).every((b) => b.disabled)).toBe(true);

    // A double click is idempotent: no second grant, DM or welcome.
    const twice = await w.press(card, `gate.accept:${id}`, w.reviewerA);
    expect(JSON.stringify(twice)).toContain('already accepted');
    expect(await w.fake.calls(ROLE_PUT)).toHaveLength(1);
    expect(await w.fake.calls(ROLE_DELETE)).toHaveLength(1);
    expect(await w.fake.dms(applicant.user.id)).toHaveLength(1);

    // Accepted members are refused politely.
    const member2 = { ...applicant, roles: [w.g.roles.Member!] };
    expect(JSON.stringify(await w.press(gateMsg, 'gate.apply', member2))).toContain('already been accepted');
    await w.fake.assertNoViolations();
  });

  it('settles a concurrent double accept with exactly one decision, one grant, one DM', async () => {
    const w = await gateWorld();
    const applicant = await w.applicant();
    const card = await w.applyFully(applicant);
    const id = buttons(card)[0]!.id.split(':')[1]!;
    const [a, b] = await Promise.all([w.press(card, `gate.accept:${id}`, w.reviewerA), w.press(card, `gate.accept:${id}`, w.reviewerB)]);
    const types = [a.type, b.type].sort();
    expect(types).toEqual([InteractionResponseType.ChannelMessageWithSource, InteractionResponseType.DeferredMessageUpdate]);
    const loser = a.type === InteractionResponseType.ChannelMessageWithSource ? a : b;
    expect(JSON.stringify(loser)).toContain('was already accepted by');
    expect(await w.fake.calls({ ...ROLE_PUT, path: `/guilds/${w.g.guildId}/members/${applicant.user.id}/roles/${w.g.roles.Member}` })).toHaveLength(1);
    expect(await w.fake.dms(applicant.user.id)).toHaveLength(1);
    expect(await w.fake.messages(w.g.channels.welcome!)).toHaveLength(1);
    await w.fake.assertNoViolations();
  });

  it('keeps the application open when the role grant fails with 50013, and offers a retry', async () => {
    const w = await gateWorld();
    const applicant = await w.applicant();
    let card = await w.applyFully(applicant);
    const id = buttons(card)[0]!.id.split(':')[1]!;
    await w.fake.failNext({ ...ROLE_PUT, status: 403 });
    const res = await w.press(card, `gate.accept:${id}`, w.reviewerA);
    expect(res.type).toBe(InteractionResponseType.DeferredMessageUpdate);

    // Nothing went out; the card and the reviewer say what failed and offer a retry.
    expect(await w.fake.dms(applicant.user.id)).toHaveLength(0);
    expect(await w.fake.messages(w.g.channels.welcome!)).toHaveLength(0);
    expect((await w.fake.member(w.g.guildId, applicant.user.id))?.roles).toContain(w.g.roles.Unverified);
    card = await w.card(applicant.user.id);
    expect(field(card, 'Status')).toContain('Pending');
    expect(field(card, '⚠️ Problem')).toContain("I'm missing a permission");
    expect(buttons(card).find((b) => b.label === 'Retry accept')).toMatchObject({ disabled: false, id: `gate.accept:${id}:retry` });
    const webhooks = await w.fake.calls({ method: 'POST', route: '/webhooks/{webhook_id}/{webhook_token}' });
    expect(webhooks).toHaveLength(1);
    expect(JSON.stringify(webhooks[0]!.body)).toContain('was **not** accepted');
    expect(JSON.stringify(webhooks[0]!.body)).toContain(`gate.accept:${id}:retry`);

    // Retry succeeds once the problem is gone.
    const retry = await w.press(card, `gate.accept:${id}:retry`, w.reviewerA);
    expect(retry.type).toBe(InteractionResponseType.DeferredMessageUpdate);
    card = await w.card(applicant.user.id);
    expect(field(card, 'Status')).toContain('Accepted by');
    expect(field(card, '⚠️ Problem')).toBeUndefined();
    expect((await w.fake.member(w.g.guildId, applicant.user.id))?.roles).toContain(w.g.roles.Member);
    expect(await w.fake.dms(applicant.user.id)).toHaveLength(1);
    await w.fake.assertNoViolations();
  });

  it('lets a higher staff level override a claim, and records the override', async () => {
    const w = await gateWorld();
    const applicant = await w.applicant();
    let card = await w.applyFully(applicant);
    const id = buttons(card)[0]!.id.split(':')[1]!;
    await w.press(card, `gate.claim:${id}`, w.reviewerA);
    const claimAgain = await w.press(card, `gate.claim:${id}`, w.reviewerB);
    expect(JSON.stringify(claimAgain)).toContain('has claimed application');
    await w.press(card, `gate.accept:${id}`, w.moderator);
    card = await w.card(applicant.user.id);
    expect(field(card, 'Status')).toContain(`Accepted by <@${w.moderator.user.id}>`);
    expect(field(card, 'Status')).toContain(`overrode <@${w.reviewerA.user.id}>'s claim`);
  });

  it('unclaims only after confirmation', async () => {
    const w = await gateWorld();
    const applicant = await w.applicant();
    let card = await w.applyFully(applicant);
    const id = buttons(card)[0]!.id.split(':')[1]!;
    await w.press(card, `gate.claim:${id}`, w.reviewerA);
    const ask = await w.press(card, `gate.unclaim:${id}`, w.reviewerA);
    expect(JSON.stringify(ask)).toContain(`gate.unclaim-confirm:${id}`);
    expect(field(await w.card(applicant.user.id), 'Status')).toContain('Claimed by');
    const ephemeral = { id: '1', channel_id: card.channel_id, components: (ask as { data: { components: unknown[] } }).data.components } as unknown as APIMessage;
    const done = await w.press(ephemeral, `gate.unclaim-confirm:${id}`, w.reviewerA);
    expect(done.type).toBe(InteractionResponseType.UpdateMessage);
    card = await w.card(applicant.user.id);
    expect(field(card, 'Status')).toContain('Pending');
    // Now reviewer B may claim it.
    expect((await w.press(card, `gate.claim:${id}`, w.reviewerB)).type).toBe(InteractionResponseType.UpdateMessage);
  });
});

describe('gate: reject, kick, permanent reject, unblock', () => {
  it('rejects with a reason: DMs it, records a refused DM on the card, enforces the cooldown', async () => {
    const w = await gateWorld();
    const open = await w.applicant();
    const closed = await w.applicant({ dmsClosed: true });
    for (const applicant of [open, closed]) {
      let card = await w.applyFully(applicant);
      const id = buttons(card)[0]!.id.split(':')[1]!;
      const modal = await w.press(card, `gate.reject:${id}`, w.reviewerA);
      expect(modal.type).toBe(InteractionResponseType.Modal);
      if (modal.type !== InteractionResponseType.Modal) return;
      expect(modal.data.custom_id).toBe(`gate.reason:${id}:reject`);
      const res = await w.submit(modal.data.custom_id, { reason: 'Answers were too short' }, w.reviewerA, card);
      expect(res.type).toBe(InteractionResponseType.DeferredMessageUpdate);
      card = await w.card(applicant.user.id);
      expect(field(card, 'Status')).toContain(`Rejected by <@${w.reviewerA.user.id}>`);
      expect(field(card, 'Reason')).toBe('Answers were too short');
      expect(buttons(card).every((b) => b.disabled)).toBe(true);
    }
    const dms = await w.fake.dms(open.user.id);
    expect(dms).toHaveLength(1);
    expect(dms[0]!.content).toContain('Reason: Answers were too short');
    expect(field(await w.card(closed.user.id), 'Direct message')).toContain('does not accept direct messages');

    const gateMsg = (await w.fake.messages(w.g.channels.gate!)).find((m) => m.components?.length)!;
    expect(JSON.stringify(await w.press(gateMsg, 'gate.apply', open))).toContain('You can apply again <t:');
    await w.fake.assertNoViolations();
  });

  it('kicks with an audit-log reason', async () => {
    const w = await gateWorld();
    const applicant = await w.applicant();
    let card = await w.applyFully(applicant);
    const id = buttons(card)[0]!.id.split(':')[1]!;
    await w.press(card, `gate.kick:${id}`, w.reviewerA);
    await w.submit(`gate.reason:${id}:kick`, { reason: 'Spam bot' }, w.reviewerA, card);
    const kicks = await w.fake.calls({ method: 'DELETE', route: '/guilds/{guild_id}/members/{user_id}' });
    expect(kicks).toHaveLength(1);
    expect(kicks[0]!.reason).toContain('Spam bot');
    expect(await w.fake.member(w.g.guildId, applicant.user.id)).toBeNull();
    card = await w.card(applicant.user.id);
    expect(field(card, 'Status')).toContain('Kicked by');
    expect((await w.fake.dms(applicant.user.id))[0]!.content).toContain('removed from the server');
    await w.fake.assertNoViolations();
  });

  it('permanently rejects: re-apply refused until /gate unblock', async () => {
    const w = await gateWorld();
    const applicant = await w.applicant();
    const card = await w.applyFully(applicant);
    const id = buttons(card)[0]!.id.split(':')[1]!;
    await w.submit(`gate.reason:${id}:block`, { reason: 'Ban evasion' }, w.reviewerA, card);
    expect(field(await w.card(applicant.user.id), 'Status')).toContain('Permanently rejected by');
    const gateMsg = (await w.fake.messages(w.g.channels.gate!)).find((m) => m.components?.length)!;
    expect(JSON.stringify(await w.press(gateMsg, 'gate.apply', applicant))).toContain('You cannot apply to this server.');

    const { slashCommand, subcommand, option } = await import('../../testing/interactions');
    const unblock = slashCommand('gate', {
      ...w.base(w.moderator),
      options: [subcommand('unblock', [option('user', 6, applicant.user.id)])],
      resolved: { users: { [applicant.user.id]: applicant.user } },
    });
    expect(JSON.stringify(await w.drive(unblock, w.moderator))).toContain('may apply again');
    const reopened = await w.press(gateMsg, 'gate.apply', applicant);
    expect(reopened.type).toBe(InteractionResponseType.Modal);
    await w.fake.assertNoViolations();
  });
});

describe('gate: user content never pings, and long answers fit', () => {
  it('renders @everyone as text with no allowed mentions, and cuts long answers', async () => {
    const questions = ['One', 'Two', 'Three', 'Four', 'Five', 'Six'];
    const w = await gateWorld({ questions, paragraphs: true });
    const applicant = await w.applicant();
    const long = 'z'.repeat(3900);
    const card = await w.applyFully(applicant, ['@everyone hello <@&' + w.g.roles.Admins + '>', long, long, long, long, long]);
    expect(field(card, '1. One')).toBe(`@everyone hello <@&${w.g.roles.Admins}>`);
    expect(field(card, '2. Two')!.endsWith('… (cut)')).toBe(true);
    expect(card.mention_everyone).toBe(false);
    expect(card.mention_roles).toEqual([]);
    const post = (await w.fake.calls({ ...POST_MESSAGE, path: `/channels/${w.g.channels.review}/messages` }))[0]!;
    expect((post.body as { allowed_mentions: unknown }).allowed_mentions).toEqual({ parse: [] });
    await w.fake.assertNoViolations();
  });
});

describe('gate: /review queue and history', () => {
  it('lists open applications oldest first with pages only the invoker can turn, and history', async () => {
    const w = await gateWorld({ questions: ['Only question'] });
    const { slashCommand, subcommand, option } = await import('../../testing/interactions');
    const people = [];
    for (let i = 0; i < 11; i++) {
      const p = await w.applicant();
      await w.applyFully(p, ['hi']);
      people.push(p);
    }
    const queue = await w.drive(slashCommand('review', { ...w.base(w.reviewerA), options: [subcommand('queue')] }), w.reviewerA);
    const text = JSON.stringify(queue);
    expect(text).toContain('Review queue: 11 open');
    expect(text.indexOf(people[0]!.user.id)).toBeLessThan(text.indexOf(people[1]!.user.id));
    expect(text).not.toContain(people[10]!.user.id);
    const nextId = `gate.queue-page:${w.reviewerA.user.id}:1`;
    expect(text).toContain(nextId);
    const message = { id: '1', channel_id: w.g.channels.review!, components: (queue as { data: { components: unknown[] } }).data.components } as unknown as APIMessage;
    expect(JSON.stringify(await w.press(message, nextId, w.reviewerB))).toContain('Only the person who opened this list');
    const page2 = JSON.stringify(await w.press(message, nextId, w.reviewerA));
    expect(page2).toContain(people[10]!.user.id);
    expect(page2).toContain('Page 2 of 2');

    // History, also for a user who left.
    const card = await w.card(people[0]!.user.id);
    const id = buttons(card)[0]!.id.split(':')[1]!;
    await w.submit(`gate.reason:${id}:kick`, { reason: 'Left already' }, w.reviewerA, card);
    const history = JSON.stringify(
      await w.drive(
        slashCommand('review', { ...w.base(w.reviewerA), options: [subcommand('history', [option('user', 6, people[0]!.user.id)])], resolved: { users: { [people[0]!.user.id]: people[0]!.user } } }),
        w.reviewerA,
      ),
    );
    expect(history).toContain(`#${id}`);
    expect(history).toContain('kicked');
    expect(history).toContain('Left already');
  });
});

describe('gate: public surface for the avatar scan', () => {
  it('applyAvatarRisk records the risk line and edits the card; young accounts are flagged', async () => {
    const w = await gateWorld({ questions: ['Only question'] });
    const applicant = await w.applicant({ createdAt: Date.now() - 2 * 86_400_000 });
    let card = await w.applyFully(applicant, ['hi']);
    expect(card.embeds[0]!.description).toContain('young account');
    const id = buttons(card)[0]!.id.split(':')[1]!;
    const ctx = { env: w.env, db: getDb(w.env), discord: createDiscord(w.env), waitUntil: () => {} };
    expect(await applyAvatarRisk(ctx, w.g.guildId, id, { score: 0.87, label: 'likely NSFW', highlight: true, detail: 'matched 2 frames' })).toBe(true);
    card = await w.card(applicant.user.id);
    expect(field(card, 'Avatar risk')).toBe('⚠️ **likely NSFW** (score 0.87)\nmatched 2 frames');
    // Another guild's id never touches this application.
    expect(await applyAvatarRisk(ctx, '123456789012345678', id, { score: 0, label: 'clean', highlight: false })).toBe(false);
    expect(field(await w.card(applicant.user.id), 'Avatar risk')).toContain('likely NSFW');
    await w.fake.assertNoViolations();
  });

  it('queues an avatar scan for the application on submit, unless the avatar-scan module is off', async () => {
    const sent: unknown[] = [];
    const scans = { send: async (body: unknown) => void sent.push(body), sendBatch: async () => {} } as unknown as Queue;
    const w = await gateWorld({ questions: ['Only question'], env: { SCANS: scans } });
    const applicant = await w.applicant();
    const card = await w.applyFully(applicant, ['hi']);
    const id = buttons(card)[0]!.id.split(':')[1]!;
    expect(sent).toEqual([{ guildId: w.g.guildId, userId: applicant.user.id, avatarHash: null, applicationId: id }]);

    await w.drive(slashCommand('config', { ...w.base(w.admin), options: [group('module', subcommand('disable', [option('name', ApplicationCommandOptionType.String, 'avatar-scan')]))] }), w.admin);
    const second = await w.applicant();
    await w.applyFully(second, ['hello']);
    expect(sent).toHaveLength(1);
  });
});

describe('gate: double submit', () => {
  it('stores one application and posts one card when the last page is submitted twice at once', async () => {
    const w = await gateWorld({ questions: ['Only question'] });
    const applicant = await w.applicant();
    const gateMsg = (await w.fake.messages(w.g.channels.gate!)).find((m) => m.components?.length)!;
    const modal = await w.press(gateMsg, 'gate.apply', applicant);
    if (modal.type !== InteractionResponseType.Modal) throw new Error('expected a modal');
    const fieldId = (modal.data.components[0] as unknown as { component: { custom_id: string } }).component.custom_id;
    const replies = await Promise.all([w.submit(modal.data.custom_id, { [fieldId]: 'a' }, applicant), w.submit(modal.data.custom_id, { [fieldId]: 'a' }, applicant)]);
    const texts = replies.map((r) => JSON.stringify(r)).sort();
    expect(texts.filter((t) => t.includes('Your application was sent'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('already have an application waiting'))).toHaveLength(1);
    expect(await w.fake.calls({ ...POST_MESSAGE, path: `/channels/${w.g.channels.review}/messages` })).toHaveLength(1);
  });
});
