/**
 * Kicking an applicant, as Discord would answer it: what can be checked (the bot's Kick
 * Members permission and role hierarchy, the applicant still being there) is checked before
 * the applicant is told anything; a kick Discord still refuses is followed by a correction.
 */
import { InteractionResponseType, type APIMessage } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { createDiscord } from '../../discord';
import { gateWorld } from './gate.fixture';

const KICK = { method: 'DELETE', route: '/guilds/{guild_id}/members/{user_id}' };
const WEBHOOK = { method: 'POST', route: '/webhooks/{webhook_id}/{webhook_token}' };

const applicationId = (card: APIMessage) => (card.components?.[0] as { components: { custom_id: string }[] }).components[0]!.custom_id.split(':')[1]!;
const field = (card: APIMessage, name: string) => card.embeds[0]?.fields?.find((f) => f.name === name)?.value;

describe('gate: kick', () => {
  it('refuses a kick the role hierarchy forbids before any DM: no DM, no kick call, the application stays open', async () => {
    const w = await gateWorld();
    const applicant = await w.applicant();
    const card = await w.applyFully(applicant);
    const id = applicationId(card);
    const high = await w.fake.addRole(w.g.guildId, { name: 'Above the bot', position: 90 });
    await w.fake.addMember(w.g.guildId, { userId: applicant.user.id, roles: [w.g.roles.Unverified!, high.id] });
    const res = await w.submit(`gate.reason:${id}:kick`, { reason: 'Spam bot' }, w.reviewerA, card);
    expect(res.type).toBe(InteractionResponseType.DeferredMessageUpdate);
    expect(await w.fake.dms(applicant.user.id)).toHaveLength(0);
    expect(await w.fake.calls(KICK)).toHaveLength(0);
    expect(await w.fake.member(w.g.guildId, applicant.user.id)).not.toBeNull();
    const now = await w.card(applicant.user.id);
    expect(field(now, 'Status')).toContain('Pending');
    expect(field(now, '⚠️ Problem')).toContain('my highest role is not above theirs');
    const told = JSON.stringify((await w.fake.calls(WEBHOOK))[0]?.body);
    expect(told).toContain('The application is still open');
    expect(told).toContain('No message was sent to the applicant');
    await w.fake.assertNoViolations();
  });

  it('refuses a kick without the Kick Members permission before any DM', async () => {
    const w = await gateWorld();
    const applicant = await w.applicant();
    const card = await w.applyFully(applicant);
    // The bot's only role keeps it above everyone but lacks Kick Members.
    const weak = await w.fake.addRole(w.g.guildId, { name: 'Bot without kick', position: 50, permissions: ['ViewChannel', 'SendMessages', 'EmbedLinks', 'ManageRoles'] });
    await w.fake.addMember(w.g.guildId, { userId: w.fake.botUserId, roles: [weak.id] });
    await w.submit(`gate.reason:${applicationId(card)}:kick`, { reason: 'Spam bot' }, w.reviewerA, card);
    expect(await w.fake.dms(applicant.user.id)).toHaveLength(0);
    expect(await w.fake.calls(KICK)).toHaveLength(0);
    expect(field(await w.card(applicant.user.id), '⚠️ Problem')).toContain('Kick Members');
    await w.fake.assertNoViolations();
  });

  it('does not DM or kick an applicant who already left: the application stays open for a reject', async () => {
    const w = await gateWorld();
    const applicant = await w.applicant();
    const card = await w.applyFully(applicant);
    await createDiscord(w.env).members.kick(w.g.guildId, applicant.user.id, 'left on their own');
    await w.submit(`gate.reason:${applicationId(card)}:kick`, { reason: 'Spam bot' }, w.reviewerA, card);
    expect(await w.fake.dms(applicant.user.id)).toHaveLength(0);
    expect(await w.fake.calls(KICK)).toHaveLength(1);
    expect(field(await w.card(applicant.user.id), '⚠️ Problem')).toContain('no longer in the server');
    await w.fake.assertNoViolations();
  });

  it('corrects the DM when Discord refuses a kick the checks allowed (403, 50013)', async () => {
    const w = await gateWorld();
    const applicant = await w.applicant();
    const card = await w.applyFully(applicant);
    await w.fake.failNext({ ...KICK, status: 403, code: 50013 });
    await w.submit(`gate.reason:${applicationId(card)}:kick`, { reason: 'Spam bot' }, w.reviewerA, card);
    expect(await w.fake.member(w.g.guildId, applicant.user.id)).not.toBeNull();
    const dms = (await w.fake.dms(applicant.user.id)).map((m) => m.content);
    expect(dms).toHaveLength(2);
    expect(dms[0]).toContain('You are being removed from the server.');
    expect(dms[1]).toBe('Please disregard my last message: you were **not** removed from **Gate Test**, and your application is still open.');
    expect(field(await w.card(applicant.user.id), 'Status')).toContain('Pending');
    const told = JSON.stringify((await w.fake.calls(WEBHOOK))[0]?.body);
    expect(told).toContain('The application is still open');
    expect(told).toContain('so I sent them a correction');
    await w.fake.assertNoViolations();
  });

  it('kicks after the checks pass: one DM, then the kick', async () => {
    const w = await gateWorld();
    const applicant = await w.applicant();
    const card = await w.applyFully(applicant);
    await w.submit(`gate.reason:${applicationId(card)}:kick`, { reason: 'Spam bot' }, w.reviewerA, card);
    expect(await w.fake.member(w.g.guildId, applicant.user.id)).toBeNull();
    const calls = await w.fake.calls();
    const dm = calls.findIndex((c) => c.method === 'POST' && c.route === '/channels/{channel_id}/messages' && JSON.stringify(c.body).includes('Spam bot'));
    const kick = calls.findIndex((c) => c.method === 'DELETE' && c.route === KICK.route);
    expect(dm).toBeGreaterThanOrEqual(0);
    expect(dm).toBeLessThan(kick);
    expect(await w.fake.dms(applicant.user.id)).toHaveLength(1);
    expect(field(await w.card(applicant.user.id), 'Status')).toContain('Kicked by');
    await w.fake.assertNoViolations();
  });
});
