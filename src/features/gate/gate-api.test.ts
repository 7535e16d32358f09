import { describe, expect, it } from 'vitest';
import type { APIMessage } from 'discord-api-types/v10';
import { api, signIn } from '../../testing/dashboard';
import { gateWorld, QUESTIONS, type GateWorld } from './gate.fixture';

const ROLE_PUT = { method: 'PUT', route: '/guilds/{guild_id}/members/{user_id}/roles/{role_id}' };

function field(message: APIMessage, name: string): string | undefined {
  return message.embeds[0]?.fields?.find((f) => f.name === name)?.value;
}

const base = (w: GateWorld) => `/api/guilds/${w.g.guildId}`;

describe('gate dashboard API: applications', () => {
  it('lists, shows, claims and accepts an application; the review card in Discord updates as with the buttons', async () => {
    const w = await gateWorld();
    const applicant = await w.applicant({ username: 'webapplicant' });
    await w.applyFully(applicant);
    const cookie = await signIn(w.env, { userId: w.reviewerA.user.id, username: 'reviewerA' });

    const list = await api(w.env, 'GET', `${base(w)}/applications?status=open`, { cookie });
    expect(list.status).toBe(200);
    expect(list.body.counts).toEqual({ pending: 1, claimed: 0 });
    const [summary] = list.body.applications;
    expect(summary).toMatchObject({ userId: applicant.user.id, status: 'pending', youngAccount: false });
    expect(summary.cardUrl).toContain(w.g.channels.review);

    const detail = await api(w.env, 'GET', `${base(w)}/applications/${summary.id}`, { cookie });
    expect(detail.status).toBe(200);
    expect(detail.body.answers.map((a: { question: string }) => a.question)).toEqual(QUESTIONS);
    expect(detail.body.accountAgeDays).toBeGreaterThanOrEqual(399);

    const claimed = await api(w.env, 'POST', `${base(w)}/applications/${summary.id}/claim`, { cookie });
    expect(claimed.body.status).toBe('claimed');
    expect(field(await w.card(applicant.user.id), 'Status')).toContain(`Claimed by <@${w.reviewerA.user.id}>`);

    // Reviewer B (same level) is refused on A's claim, as with the button.
    const other = await signIn(w.env, { userId: w.reviewerB.user.id });
    const refused = await api(w.env, 'POST', `${base(w)}/applications/${summary.id}/decision`, { cookie: other, body: { decision: 'accept' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('claimed_by_other');

    const accepted = await api(w.env, 'POST', `${base(w)}/applications/${summary.id}/decision`, { cookie, body: { decision: 'accept' } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.application.status).toBe('accepted');
    const card = await w.card(applicant.user.id);
    expect(field(card, 'Status')).toContain(`Accepted by <@${w.reviewerA.user.id}>`);
    expect(await w.fake.calls(ROLE_PUT)).toHaveLength(1);
    const decided = await api(w.env, 'GET', `${base(w)}/applications?status=decided`, { cookie });
    expect(decided.body.applications.map((a: { id: number }) => a.id)).toEqual([summary.id]);
    await w.fake.assertNoViolations();
  });

  it('answers 422 with field errors for a reject without a reason, and rejects with one (the DM and the card follow)', async () => {
    const w = await gateWorld();
    const applicant = await w.applicant();
    await w.applyFully(applicant);
    const cookie = await signIn(w.env, { userId: w.reviewerA.user.id });
    const [app] = (await api(w.env, 'GET', `${base(w)}/applications`, { cookie })).body.applications;

    const bad = await api(w.env, 'POST', `${base(w)}/applications/${app.id}/decision`, { cookie, body: { decision: 'reject', reason: ' x ' } });
    expect(bad.status).toBe(422);
    expect(bad.body.fields.reason).toMatch(/reason/);
    const unknown = await api(w.env, 'POST', `${base(w)}/applications/${app.id}/decision`, { cookie, body: { decision: 'maybe' } });
    expect(unknown.status).toBe(422);
    expect(Object.keys(unknown.body.fields)).toEqual(['decision']);

    const rejected = await api(w.env, 'POST', `${base(w)}/applications/${app.id}/decision`, { cookie, body: { decision: 'reject', reason: 'Answers too short' } });
    expect(rejected.status).toBe(200);
    expect(rejected.body.application).toMatchObject({ status: 'rejected', reason: 'Answers too short' });
    expect(field(await w.card(applicant.user.id), 'Status')).toContain('Rejected by');
    const dms = (await w.fake.calls({ method: 'POST', route: '/channels/{channel_id}/messages' })).filter((c) => JSON.stringify(c.body).includes('Answers too short'));
    expect(dms).toHaveLength(1);
  });
});

describe('gate dashboard API: form and settings', () => {
  it('adds, edits, reorders and removes questions (audited), with 422 field errors for bad input', async () => {
    const w = await gateWorld({ questions: ['One?', 'Two?', 'Three?'] });
    const cookie = await signIn(w.env, { userId: w.g.ownerId });
    const form = await api(w.env, 'GET', `${base(w)}/gate/questions`, { cookie });
    expect(form.body.questions.map((q: { label: string }) => q.label)).toEqual(['One?', 'Two?', 'Three?']);

    const tooLong = await api(w.env, 'POST', `${base(w)}/gate/questions`, { cookie, body: { label: 'x'.repeat(46), minLength: 10, maxLength: 5 } });
    expect(tooLong.status).toBe(422);
    expect(Object.keys(tooLong.body.fields).sort()).toEqual(['label', 'minLength']);

    const added = await api(w.env, 'POST', `${base(w)}/gate/questions`, { cookie, body: { label: 'Four?', style: 'paragraph' } });
    expect(added.status).toBe(201);
    const ids: number[] = added.body.questions.map((q: { id: number }) => q.id);
    const four = added.body.questions.at(-1);
    expect(four).toMatchObject({ label: 'Four?', style: 'paragraph', required: true, number: 4 });

    const edited = await api(w.env, 'PATCH', `${base(w)}/gate/questions/${four.id}`, { cookie, body: { label: 'Fourth?', required: false } });
    expect(edited.body.questions.at(-1)).toMatchObject({ label: 'Fourth?', required: false });

    const order = [ids[3]!, ids[0]!, ids[1]!, ids[2]!];
    const reordered = await api(w.env, 'PUT', `${base(w)}/gate/questions/order`, { cookie, body: { ids: order } });
    expect(reordered.status).toBe(200);
    expect(reordered.body.questions.map((q: { id: number }) => q.id)).toEqual(order);
    const stale = await api(w.env, 'PUT', `${base(w)}/gate/questions/order`, { cookie, body: { ids: order.slice(1) } });
    expect(stale.status).toBe(409);

    const removed = await api(w.env, 'DELETE', `${base(w)}/gate/questions/${ids[0]}`, { cookie });
    expect(removed.body.questions.map((q: { label: string }) => q.label)).toEqual(['Fourth?', 'Two?', 'Three?']);

    const audit = await api(w.env, 'GET', `${base(w)}/audit?area=gate&actor=${w.g.ownerId}&limit=4`, { cookie });
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(['gate.question.remove', 'gate.question.reorder', 'gate.question.edit', 'gate.question.add']);
    expect(audit.body.entries[3].after).toMatchObject({ id: four.id, label: 'Four?' });
  });

  it('changes gate settings through updateSettings; unknown or clashing roles are field errors', async () => {
    const w = await gateWorld();
    const cookie = await signIn(w.env, { userId: w.g.ownerId });
    const unknownRole = await api(w.env, 'PATCH', `${base(w)}/gate/settings`, { cookie, body: { acceptedRoleIds: ['123456789012345678'] } });
    expect(unknownRole.status).toBe(422);
    expect(unknownRole.body.fields).toHaveProperty('acceptedRoleIds.0');
    const clash = await api(w.env, 'PATCH', `${base(w)}/gate/settings`, { cookie, body: { unverifiedRoleId: w.g.roles.Member } });
    expect(clash.status).toBe(422);
    expect(clash.body.fields).toHaveProperty('unverifiedRoleId');
    const ok = await api(w.env, 'PATCH', `${base(w)}/gate/settings`, { cookie, body: { cooldownHours: 48 } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ cooldownHours: 48, acceptedRoleIds: [w.g.roles.Member] });
  });
});
