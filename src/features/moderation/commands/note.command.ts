import type { APIEmbed } from 'discord-api-types/v10';
import { defineCommand, defineCommandGroup, opt, sub } from '../../../core/define';
import { UserError } from '../../../core/errors';
import { addNote } from '../case-changes.service';
import { ModerationService } from '../moderation.service';
import { GuildNotes } from '../notes.repo';

/** `/note add|remove`: private staff notes (never shown to the member). */
export const noteCommand = defineCommandGroup({
  name: 'note',
  description: 'Private staff notes about members',
  level: 'helper',
  subcommands: {
    add: sub({
      description: 'Add a note about a member',
      options: {
        member: opt.user('Who the note is about', { required: true }),
        text: opt.string('The note', { required: true, maxLength: 1000 }),
      },
      handler: async (ctx, { member, text }) => {
        const note = await addNote(ModerationService.of(ctx), ctx.user.id, member.id, text);
        return ctx.reply({ content: `Note ${note.id} added about <@${member.id}>.`, ephemeral: true });
      },
    }),
    remove: sub({
      description: 'Remove a note',
      options: { id: opt.integer('The note id (see /notes)', { required: true, minValue: 1 }) },
      handler: async (ctx, { id }) => {
        const note = await new GuildNotes(ctx.db, ctx.guild).remove(id, ctx.user.id);
        if (!note) throw new UserError('unknown_note', `There is no note ${id}.`);
        return ctx.reply({ content: `Removed note ${id} about <@${note.targetId}>.`, ephemeral: true });
      },
    }),
  },
});

/** `/notes member`: a member's notes, newest first. */
export const notesCommand = defineCommand({
  name: 'notes',
  description: "List a member's notes",
  level: 'helper',
  options: { member: opt.user('Whose notes', { required: true }) },
  handler: async (ctx, { member }) => {
    const notes = await new GuildNotes(ctx.db, ctx.guild).forTarget(member.id, 25);
    const embed: APIEmbed = {
      title: `Notes about ${member.user.username}`,
      description: notes.length
        ? notes.map((n) => `**${n.id}** <t:${Math.floor(n.createdAt / 1000)}:d> by <@${n.actorId}>: ${n.text}`.slice(0, 160)).join('\n').slice(0, 4000)
        : `No notes about <@${member.id}>.`,
    };
    return ctx.reply({ embeds: [embed], ephemeral: true });
  },
});
