import { describe, expect, it } from 'vitest';
import { GuildConfig } from '../../core/guild-config.repo';
import { getDb } from '../../db/client';
import { gateWorld } from '../gate/gate.fixture';
import { asTicketMember } from './modmail.fixture';
import { openTicket } from './objects';
import { GuildTickets } from './tickets.repo';
import { listEntries } from './transcript';

describe('gate decision → modmail', () => {
  it('accepting an application closes the applicant’s open ticket with a note, without a second DM', async () => {
    const w = await gateWorld();
    const db = getDb(w.env);
    const modmailChannel = await w.fake.addChannel(w.g.guildId, { name: 'modmail' });
    const logChannel = await w.fake.addChannel(w.g.guildId, { name: 'modmail-log' });
    const config = new GuildConfig(db, w.g.guildId);
    await config.setChannel(w.g.ownerId, 'modmail', modmailChannel.id);
    await config.setChannel(w.g.ownerId, 'modmail_log', logChannel.id);

    const applicant = await w.applicant();
    const card = await w.applyFully(applicant);
    const opened = await openTicket(w.env, { guildId: w.g.guildId, member: asTicketMember(applicant.user), via: 'command', openedBy: applicant.user.id, sourceId: 'gate-test' });
    if (!opened.ok) throw new Error(opened.refusal.message);
    const dmsBefore = (await w.fake.dms(applicant.user.id)).length;

    const id = (card.components?.[0] as { components: { custom_id: string }[] }).components[0]!.custom_id.split(':')[1]!;
    await w.press(card, `gate.accept:${id}`, w.reviewerA);

    const ticket = await new GuildTickets(db, w.g.guildId).byId(opened.ticket.id);
    expect(ticket).toMatchObject({ state: 'closed', closedBy: w.env.DISCORD_APPLICATION_ID, closeReason: `Application #${id} accepted.` });
    const entries = await listEntries(db, opened.ticket.id);
    expect(entries.at(-1)).toMatchObject({ kind: 'action', action: 'close', content: `Closed (gate): Application #${id} accepted.` });
    // The gate's own acceptance DM is the only new one.
    expect((await w.fake.dms(applicant.user.id)).length).toBe(dmsBefore + 1);
    expect(await w.fake.messages(logChannel.id)).toHaveLength(1);
    await w.fake.assertNoViolations();
  });
});
