import { ComponentType, type APIModalInteractionResponseCallbackData } from 'discord-api-types/v10';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { send } from '../../testing/harness';
import { buttonPress, modalSubmit } from '../../testing/interactions';
import { snowflake } from '../../testing/snowflake';
import { asTicketMember, modmailWorld, type ModmailWorld } from './modmail.fixture';
import { openTicket } from './objects';
import { modmailAttachments } from './ops.schema';

let w: ModmailWorld;
beforeEach(async () => {
  w = await modmailWorld();
});
afterEach(async () => {
  await w.fake.assertNoViolations();
});

describe('modmail: files in the member’s Reply modal', () => {
  it('the modal offers a file upload; uploaded files reach the thread and the archive path, foreign URLs are dropped', async () => {
    const member = await w.member();
    const outcome = await openTicket(w.env, { guildId: w.g.guildId, member: asTicketMember(member.user), via: 'command', openedBy: member.user.id, sourceId: snowflake() });
    if (!outcome.ok) throw new Error(outcome.refusal.message);
    const ticket = outcome.ticket;
    const greeting = (await w.fake.dms(member.user.id))[0]!;
    // The Reply button's modal: a text input and a file upload (component 19 in a label), which
    // the fake checks against Discord's spec when the response is recorded.
    const pressed = await send(buttonPress(`modmail.mreply:${w.g.guildId}`, { guildId: null, channelId: greeting.channel_id, user: member.user, message: greeting }), w.env, { fake: w.fake });
    const modal = (pressed.body as { data: APIModalInteractionResponseCallbackData }).data;
    const upload = modal.components.map((c) => (c as { component?: { type: number; custom_id: string } }).component).find((c) => c?.type === ComponentType.FileUpload);
    expect(upload).toMatchObject({ type: ComponentType.FileUpload, custom_id: 'files' });

    const shot = { id: snowflake(), filename: 'screenshot.png', size: 4096, url: 'https://cdn.discordapp.com/ephemeral-attachments/1/2/screenshot.png', proxy_url: 'https://media.discordapp.net/x', content_type: 'image/png' };
    const foreign = { id: snowflake(), filename: 'evil.png', size: 10, url: 'https://attacker.example/evil.png', proxy_url: 'https://attacker.example/evil.png' };
    const submit = modalSubmit(modal.custom_id, {}, { guildId: null, channelId: greeting.channel_id, user: member.user }) as unknown as { data: Record<string, unknown> };
    submit.data.components = [
      { type: ComponentType.Label, component: { type: ComponentType.TextInput, custom_id: 'text', value: '' } },
      { type: ComponentType.Label, component: { type: ComponentType.FileUpload, custom_id: 'files', values: [shot.id, foreign.id] } },
    ];
    submit.data.resolved = { attachments: { [shot.id]: shot, [foreign.id]: foreign } };
    const { body } = await send(submit as never, w.env, { fake: w.fake });
    expect((body as { type: number }).type).toBe(5);

    const post = (await w.fake.messages(ticket.threadId!)).at(-1)!;
    expect(post.embeds[0]!.description).toBe('*(attachments only)*');
    expect(post.embeds[0]!.image?.url).toBe(shot.url);
    expect(post.embeds[0]!.fields![0]!.value).toContain('screenshot.png');
    expect(JSON.stringify(post.embeds)).not.toContain('attacker.example');
    const entry = (await w.transcript(ticket.id)).find((e) => e.kind === 'message_in')!;
    expect(entry.attachments).toEqual([{ id: shot.id, filename: 'screenshot.png', size: 4096, url: shot.url, contentType: 'image/png' }]);
    // The same R2 copy path as a DM's files: the attachment has its archive row (stored, or
    // failed here: the test runtime cannot reach Discord's CDN).
    const rows = await getDb(w.env).select().from(modmailAttachments).where(eq(modmailAttachments.ticketId, ticket.id));
    expect(rows.map((r) => r.attachmentId)).toEqual([shot.id]);
  });
});
