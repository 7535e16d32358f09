import { runInDurableObject } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ticketObject } from './objects';
import { opsWorld, type OpsWorld } from './modmail-ops.fixture';
import { listEntries } from './transcript';
import { getDb } from '../../db/client';

let w: OpsWorld;
// In the future of the real clock, so workerd never fires an alarm on its own during a test.
const T0 = Date.UTC(2030, 0, 1, 9, 0, 0);
const H = 3_600_000;
const at = (ms: number) => vi.setSystemTime(T0 + ms);

beforeEach(async () => {
  w = await opsWorld();
  vi.useFakeTimers({ toFake: ['Date'] });
  at(0);
});
afterEach(async () => {
  vi.useRealTimers();
  await w.fake.assertNoViolations();
});

const actions = async (ticketId: number) => (await listEntries(getDb(w.env), ticketId)).filter((e) => e.kind === 'action').map((e) => e.action);
const threadText = async (threadId: string) => (await w.fake.messages(threadId)).map((m) => m.content).filter(Boolean);

describe('ticket timers (the ticket object alarm)', () => {
  it('/close in:2h closes when the alarm fires after two hours, not before', async () => {
    const member = await w.member();
    const ticket = await w.open(member);
    await w.memberSays(ticket, member, 'thanks, that solved it');
    const scheduled = await w.run(w.helper, 'close', { in: '2h', reason: 'Solved' }, undefined, { channelId: ticket.threadId! });
    expect(scheduled.ephemeral).toBe(false);
    expect(scheduled.content).toBe(`⏳ This ticket closes <t:${Math.floor((T0 + 2 * H) / 1000)}:R> (in 2h) unless the member writes. \`/close cancel:true\` cancels it.`);
    expect((await w.timers(ticket)).sort()).toEqual(['close', 'stale']);

    at(H);
    expect(await w.alarm(ticket)).toBe(true);
    expect((await w.ticket(ticket.id)).state).toBe('open');
    at(2 * H + 1000);
    expect(await w.alarm(ticket)).toBe(true);
    await w.settle();
    const closed = await w.ticket(ticket.id);
    expect(closed).toMatchObject({ state: 'closed', closedBy: w.helper.user.id, closeReason: 'Solved', closedAt: T0 + 2 * H + 1000 });
    expect(await actions(ticket.id)).toEqual(['open', 'close_scheduled', 'close']);
    expect(await w.timers(ticket)).toEqual([]);
    expect(await w.fake.messages(w.logChannelId)).toHaveLength(1);
  });

  it('a member message cancels the timed close (staff are told), and so does /close cancel:true', async () => {
    const member = await w.member();
    const ticket = await w.open(member);
    await w.run(w.helper, 'close', { in: '2h' }, undefined, { channelId: ticket.threadId! });
    at(H);
    await w.memberSays(ticket, member, 'wait, one more thing');
    expect(await w.timers(ticket)).toEqual(['stale']);
    expect(await threadText(ticket.threadId!)).toContain('↩️ The member wrote, so the timed close was cancelled.');
    at(3 * H);
    await w.alarm(ticket);
    expect((await w.ticket(ticket.id)).state).toBe('open');

    await w.run(w.helper, 'close', { in: '1d' }, undefined, { channelId: ticket.threadId! });
    const cancelled = await w.run(w.moderator, 'close', { cancel: true }, undefined, { channelId: ticket.threadId! });
    expect(cancelled.content).toBe(`<@${w.moderator.user.id}> cancelled the timed close.`);
    expect((await w.run(w.moderator, 'close', { cancel: true }, undefined, { channelId: ticket.threadId! })).content).toBe('This ticket has no timed close to cancel.');
    at(3 * 86_400_000);
    await w.alarm(ticket);
    expect(await actions(ticket.id)).toEqual(['open', 'close_scheduled', 'close_cancelled', 'close_scheduled', 'close_cancelled', 'stale']);
    expect((await w.ticket(ticket.id)).state).toBe('open');
  });

  it('a quiet ticket gets a stale warning, then closes itself; a message after the warning restarts the clock', async () => {
    await w.run(w.admin, 'modmail', { stale_after: '1h', autoclose_after: '1h' }, 'limits');
    const member = await w.member();
    const ticket = await w.open(member);
    await w.memberSays(ticket, member, 'hello?');
    at(H + 1000);
    await w.alarm(ticket);
    expect(await w.timers(ticket)).toEqual(['autoclose']);
    expect((await threadText(ticket.threadId!)).some((t) => t.startsWith('⏰ Nobody has written in this ticket for 1h'))).toBe(true);

    // Staff answer after the warning: the auto-close becomes a new stale clock.
    at(H + 30 * 60_000);
    await w.staffSays(ticket, w.helper, 'Still there?');
    at(2 * H + 2000);
    await w.alarm(ticket);
    expect((await w.ticket(ticket.id)).state).toBe('open');
    expect(await w.timers(ticket)).toEqual(['stale']);

    at(2 * H + 30 * 60_000 + 1000);
    await w.alarm(ticket);
    expect(await w.timers(ticket)).toEqual(['autoclose']);
    at(3 * H + 30 * 60_000 + 2000);
    await w.alarm(ticket);
    await w.settle();
    const closed = await w.ticket(ticket.id);
    expect(closed.state).toBe('closed');
    expect(closed.closeReason).toBe('Closed automatically after 2h without a message.');
    const dm = (await w.fake.calls({ method: 'POST', route: '/channels/{channel_id}/messages' })).map((c) => JSON.stringify(c.body)).filter((b) => b.includes('nobody wrote in it'));
    expect(dm).toHaveLength(1);
  });

  it('a member message leaves an earlier alarm armed; firing early runs nothing and re-arms for the real time', async () => {
    await w.run(w.admin, 'modmail', { stale_after: '1h', autoclose_after: '1h' }, 'limits');
    const member = await w.member();
    const ticket = await w.open(member);
    const alarmAt = () => runInDurableObject(ticketObject(w.env, ticket.guildId, ticket.memberId), (_instance, state) => state.storage.getAlarm());
    await w.memberSays(ticket, member, 'hello?');
    const first = await alarmAt();
    expect(first).not.toBeNull();
    // Each message moves the stale clock later; the alarm is not rewritten for it.
    at(30 * 60_000);
    await w.memberSays(ticket, member, 'anyone?');
    expect(await alarmAt()).toBe(first);
    // It fires at the old time: nothing is due, so no warning, and it is armed for the new stale time.
    at(H + 1000);
    expect(await w.alarm(ticket)).toBe(true);
    expect(await w.timers(ticket)).toEqual(['stale']);
    expect((await threadText(ticket.threadId!)).some((t) => t.startsWith('⏰'))).toBe(false);
    expect(await alarmAt()).toBe(T0 + 30 * 60_000 + H);
    at(30 * 60_000 + H + 1000);
    await w.alarm(ticket);
    expect((await threadText(ticket.threadId!)).some((t) => t.startsWith('⏰ Nobody has written in this ticket for 1h'))).toBe(true);
  });
});
