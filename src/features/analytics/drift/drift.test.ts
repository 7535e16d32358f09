/**
 * Role drift through the fake Discord: the first reconciliation takes the baseline, gateway
 * changes are alerted once in the mod log and attributed by audit log entries (before or after
 * the change), redeliveries alert nothing more, the nightly reconciliation finds what the
 * gateway missed (resuming across runs), and the drift report compares with the baseline.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog } from '../../../core/schema';
import { getDb } from '../../../db/client';
import { snowflake } from '../../../testing/snowflake';
import { send } from '../../../testing/harness';
import { slashCommand } from '../../../testing/interactions';
import type { Person } from '../../../testing/guild-world';
import { meterD1 } from '../../../testing/metered';
import { driftWorld, memberRoleAudit, memberUpdate, type DriftWorld } from '../testing/drift-world';
import { GuildDrift } from './drift.repo';

let w: DriftWorld;
let drift: GuildDrift;

async function alerts() {
  return (await w.fake.messages(w.modLog)).filter((m) => m.embeds?.[0]?.title?.startsWith('Role drift'));
}

beforeEach(async () => {
  w = await driftWorld();
  drift = new GuildDrift(getDb(w.env), w.g.guildId);
});
afterEach(() => vi.useRealTimers());

async function baseline() {
  await w.event('GUILD_CREATE', { id: w.g.guildId });
  await w.hourly();
}

describe('role drift', () => {
  it('takes the baseline on the first reconciliation, without alerts', async () => {
    const bouncer = await w.member({ roles: ['Bouncers'] });
    await baseline();
    const report = await drift.drift();
    expect(report.baselineAt).not.toBeNull();
    expect(report.items).toEqual([]);
    const roles = await drift.roles('baseline');
    expect(roles.map((r) => r.name)).toEqual(expect.arrayContaining(['Bouncers']));
    expect(roles.map((r) => r.name)).not.toContain('Plain');
    expect((await drift.holders('baseline')).map((h) => h.userId)).toContain(bouncer.user.id);
    expect(await alerts()).toHaveLength(0);
    await w.fake.assertNoViolations();
  });

  it('alerts a member given a dangerous role once, and names who did it when the audit entry comes after', async () => {
    await baseline();
    const bouncers = await w.role('Bouncers');
    const target = await w.member();
    const update = memberUpdate(target.user.id, [bouncers.id]);
    await w.event('GUILD_MEMBER_UPDATE', update, 'upd-1');
    let posted = await alerts();
    expect(posted).toHaveLength(1);
    expect(posted[0]!.embeds![0]!.description).toContain(`<@${target.user.id}> was given <@&${bouncers.id}>`);
    expect(posted[0]!.embeds![0]!.description).not.toContain(' by ');

    // At least once: the same event again, and a different event with the same roles, alert nothing more.
    await w.event('GUILD_MEMBER_UPDATE', update, 'upd-1');
    await w.event('GUILD_MEMBER_UPDATE', update, 'upd-2');
    expect(await alerts()).toHaveLength(1);

    await w.event('GUILD_AUDIT_LOG_ENTRY_CREATE', memberRoleAudit(snowflake(), w.admin.user.id, target.user.id, [bouncers.id]));
    posted = await alerts();
    expect(posted).toHaveLength(1);
    expect(posted[0]!.embeds![0]!.description).toContain(`was given <@&${bouncers.id}> (Bouncers) by <@${w.admin.user.id}>`);
    const [change] = await drift.timeline(0);
    expect(change).toMatchObject({ kind: 'holder.added', userId: target.user.id, actorId: w.admin.user.id, source: 'gateway' });

    const report = await drift.drift();
    expect(report.items).toEqual([{ kind: 'holder.added', roleId: bouncers.id, roleName: 'Bouncers', userId: target.user.id }]);
    await w.fake.assertNoViolations();
  });

  it('reads once per chunk of member updates, whatever its size; changes in a chunk are applied in order and alerted once', async () => {
    await baseline();
    const bouncers = await w.role('Bouncers');
    const people = await Promise.all(Array.from({ length: 4 }, () => w.member()));
    const metered = meterD1(w.env);
    // Nickname-style updates touching no followed role: the D1 round trips of a chunk do not grow with it.
    const quiet = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'GUILD_MEMBER_UPDATE', payload: memberUpdate(people[i % people.length]!.user.id, []) }));
    metered.takeD1();
    await w.pack(quiet(2), metered.env);
    const small = metered.takeD1();
    await w.pack(quiet(25), metered.env);
    const large = metered.takeD1();
    expect(large).toBe(small);
    // Per event it was a read (and a claim and a settlement) each: 25 updates would be well over 25.
    expect(large).toBeLessThanOrEqual(6);
    expect(await alerts()).toHaveLength(0);

    // A chunk with real changes among the quiet ones: given, taken back and given again (in order), and another member given.
    const [a, b] = people as [Person, Person];
    await w.pack(
      [
        ...quiet(10),
        { type: 'GUILD_MEMBER_UPDATE', payload: memberUpdate(a.user.id, [bouncers.id]), sourceId: 'chunk-a1' },
        { type: 'GUILD_MEMBER_UPDATE', payload: memberUpdate(a.user.id, []), sourceId: 'chunk-a2' },
        { type: 'GUILD_MEMBER_UPDATE', payload: memberUpdate(a.user.id, [bouncers.id]), sourceId: 'chunk-a3' },
        { type: 'GUILD_MEMBER_UPDATE', payload: memberUpdate(b.user.id, [bouncers.id]), sourceId: 'chunk-b1' },
      ],
      metered.env,
    );
    const kinds = (await drift.timeline(0)).filter((c) => c.kind !== 'baseline.accepted').map((c) => `${c.kind}:${c.userId}`);
    expect(kinds.sort()).toEqual([`holder.added:${a.user.id}`, `holder.added:${a.user.id}`, `holder.added:${b.user.id}`, `holder.removed:${a.user.id}`].sort());
    expect((await drift.holders()).filter((h) => h.roleId === bouncers.id).map((h) => h.userId).sort()).toEqual([a.user.id, b.user.id].sort());
    let posted = await alerts();
    expect(posted).toHaveLength(1);
    expect(posted[0]!.embeds![0]!.description!.split('\n')).toHaveLength(4);

    // The same chunk redelivered: nothing new.
    await w.pack([{ type: 'GUILD_MEMBER_UPDATE', payload: memberUpdate(b.user.id, [bouncers.id]), sourceId: 'chunk-b1' }]);
    posted = await alerts();
    expect(posted).toHaveLength(1);
    expect((await drift.timeline(0)).filter((c) => c.kind !== 'baseline.accepted')).toHaveLength(4);
    await w.fake.assertNoViolations();
  });

  it('attributes a change whose audit entry came first, and follows a role gaining Administrator', async () => {
    await baseline();
    const plain = await w.role('Plain');
    await w.event('GUILD_AUDIT_LOG_ENTRY_CREATE', { id: snowflake(), action_type: 31, user_id: w.owner.user.id, target_id: plain.id, changes: [] });
    await w.event('GUILD_ROLE_UPDATE', { role: { ...plain, permissions: (8n | BigInt(plain.permissions)).toString() } });
    const [alert] = await alerts();
    expect(alert!.embeds![0]!.description).toContain(`<@&${plain.id}> (Plain) now has Administrator by <@${w.owner.user.id}>`);

    // Redelivered: nothing new; then the role is deleted.
    await w.event('GUILD_ROLE_DELETE', { role_id: plain.id });
    await w.event('GUILD_ROLE_DELETE', { role_id: plain.id });
    const kinds = (await drift.timeline(0)).map((c) => c.kind);
    expect(kinds).toEqual(['role.deleted', 'role.dangerous', 'baseline.accepted']);
    expect(await alerts()).toHaveLength(2);
  });

  it('the nightly reconciliation finds what the gateway missed, and a departed holder', async () => {
    const leaver = await w.member({ roles: ['Bouncers'] });
    await baseline();
    // Missed by the gateway: a new holder, and the departed one (removed from the fake without an event).
    const quiet = await w.member({ roles: ['Bouncers'] });
    const kicked = await fetch(`${w.fake.apiBase}/guilds/${w.g.guildId}/members/${leaver.user.id}`, { method: 'DELETE', headers: { Authorization: `Bot ${w.env.DISCORD_BOT_TOKEN}` } });
    expect(kicked.status).toBe(204);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 25 * 3600_000);
    await w.hourly();
    const timeline = await drift.timeline(0);
    expect(timeline.filter((c) => c.kind !== 'baseline.accepted').map((c) => [c.source, c.kind, c.userId])).toEqual(
      expect.arrayContaining([
        ['reconcile', 'holder.added', quiet.user.id],
        ['reconcile', 'holder.removed', leaver.user.id],
      ]),
    );
    expect(timeline).toHaveLength(3);
    const posted = await alerts();
    expect(posted).toHaveLength(1);
    expect(posted[0]!.embeds![0]!.description).toContain('found by the nightly check');
    // A second run the same day does nothing; the next day finds nothing new.
    await w.hourly();
    vi.setSystemTime(Date.now() + 25 * 3600_000);
    await w.hourly();
    expect(await alerts()).toHaveLength(1);
    const bouncers = (await w.role('Bouncers')).id;
    expect((await drift.holders()).filter((h) => h.roleId === bouncers).map((h) => h.userId)).toEqual([quiet.user.id]);
  });

  it('/stats roles show lists the drift; /stats roles accept (managers only) makes it the baseline, audited', async () => {
    await baseline();
    const bouncers = await w.role('Bouncers');
    const target = await w.member();
    await w.event('GUILD_MEMBER_UPDATE', memberUpdate(target.user.id, [bouncers.id]));
    const stats = async (p: Person, leaf: string) => {
      const { body, token } = await send(slashCommand('stats', { guildId: w.g.guildId, channelId: w.g.channels.general!, user: p.user, roles: p.roles, permissions: p.permissions, options: [{ type: 2, name: 'roles', options: [{ type: 1, name: leaf, options: [] }] }] as never }), w.env, { fake: w.fake });
      const record = token ? await w.fake.interactionResponses(token) : null;
      const data = ((record?.original as Record<string, unknown> | null) ?? (body as { data?: Record<string, unknown> }).data ?? {}) as { content?: string; embeds?: { description?: string }[] };
      return `${data.content ?? ''}\n${data.embeds?.map((e) => e.description).join('\n') ?? ''}`;
    };
    const shown = await stats(w.moderator, 'show');
    expect(shown).toContain('1 difference');
    expect(shown).toContain(`<@${target.user.id}> holds <@&${bouncers.id}>`);
    expect(await stats(w.moderator, 'accept')).toMatch(/Only the server’s managers/);
    expect((await drift.drift()).items).toHaveLength(1);
    expect(await stats(w.owner, 'accept')).toContain('new baseline (1 difference accepted)');
    expect((await drift.drift()).items).toEqual([]);
    expect(await stats(w.admin, 'show')).toContain('No drift since the baseline'); // (another person: /stats has a 5 s cooldown)
    const [audit] = await getDb(w.env).select().from(auditLog).where(eq(auditLog.action, 'analytics.drift.baseline'));
    expect(audit).toMatchObject({ guildId: w.g.guildId, actorId: w.owner.user.id });
  });
});
