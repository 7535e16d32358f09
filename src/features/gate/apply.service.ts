/**
 * The applicant's side: who may apply, the multi-page form with its draft, and submission.
 * A submission writes the application and its review card's outbox row in one batch,
 * replies, then tries to post the card; the outbox cron retries a card that did not post.
 */
import { ButtonStyle, ComponentType } from 'discord-api-types/v10';
import type { InteractionContext, Reply } from '../../core/context';
import { encodeCustomId } from '../../core/custom-id';
import { UserError } from '../../core/errors';
import { emitInternal } from '../../core/internal-events';
import { requestAvatarScan } from '../avatar-scan/public';
import { ApplicationsRepo } from './applications.repo';
import { CardOutbox } from './card-outbox.repo';
import { deliverCards } from './card-outbox.service';
import { readGateSettings, type GateSettings } from './config';
import { isUniqueViolation } from '../../db/errors';
import { DraftsRepo } from './drafts.repo';
import { collectAnswers, formVersion, paginate, pageModal, readPage } from './form';
import { QuestionsRepo } from './questions.repo';
import type { GateQuestionRow } from './schema';

/** Discord's epoch (2015-01-01T00:00:00Z) in ms. */
const DISCORD_EPOCH = 1420070400000n;

/** When the account with this snowflake id was created (ms since epoch). */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

interface Form {
  settings: GateSettings;
  questions: GateQuestionRow[];
  pages: GateQuestionRow[][];
  version: string;
}

/**
 * Loads the form and refuses, with a message the applicant can act on, when they may not
 * apply: already pending, permanently rejected, cooling down, or already accepted.
 */
export async function eligibleForm(ctx: InteractionContext): Promise<Form> {
  const apps = new ApplicationsRepo(ctx.db, ctx.guild);
  const [settings, questions, reviewChannel, blocked, open, lastRejected] = await Promise.all([
    readGateSettings(ctx.config),
    new QuestionsRepo(ctx.db, ctx.guild).list(),
    ctx.config.channel('review'),
    apps.isBlocked(ctx.user.id),
    apps.openFor(ctx.user.id),
    apps.lastRejectedAt(ctx.user.id),
  ]);
  if (blocked) throw new UserError('gate_blocked', 'You cannot apply to this server.');
  if (open) throw new UserError('gate_pending', 'You already have an application waiting for review. Staff will get back to you.');
  const roles = ctx.member?.roles ?? [];
  if (settings.acceptedRoleIds.length > 0 && settings.acceptedRoleIds.some((r) => roles.includes(r))) {
    throw new UserError('gate_already_member', 'You have already been accepted here.');
  }
  if (lastRejected !== null && settings.cooldownHours > 0) {
    const until = lastRejected + settings.cooldownHours * 3_600_000;
    if (until > Date.now()) throw new UserError('gate_cooldown', `You can apply again <t:${Math.floor(until / 1000)}:R>.`);
  }
  if (questions.length === 0 || !reviewChannel) {
    throw new UserError('gate_not_set_up', 'Applications are not open yet: staff have not finished setting up the form.');
  }
  const pages = paginate(questions);
  return { settings, questions, pages, version: formVersion(questions) };
}

/** Opens the next unfinished page of the form (resuming a draft). */
export async function openNextPage(ctx: InteractionContext): Promise<Reply> {
  const form = await eligibleForm(ctx);
  const draft = await new DraftsRepo(ctx.db, ctx.guild).get(ctx.user.id);
  const usable = draft && draft.formVersion === form.version ? draft : null;
  const page = Math.min((usable?.pagesDone ?? 0) + 1, form.pages.length);
  return ctx.modal(pageModal(form.pages, page, form.version, null, usable?.answers));
}

function continueButton(page: number, total: number) {
  return {
    type: ComponentType.ActionRow as const,
    components: [{ type: ComponentType.Button as const, style: ButtonStyle.Primary as const, label: `Continue (page ${page} of ${total})`, custom_id: encodeCustomId('gate.continue', page) }],
  };
}

/**
 * Stores one submitted page. Before the last page, answers with a button that opens the
 * next one (Discord cannot open a modal from a modal); after the last, submits.
 */
export async function submitPage(ctx: InteractionContext, page: number, version: string, fields: Record<string, string>): Promise<Reply> {
  const form = await eligibleForm(ctx);
  const drafts = new DraftsRepo(ctx.db, ctx.guild);
  if (version !== form.version) {
    await ctx.db.batch([drafts.deleteStatement(ctx.user.id)]);
    throw new UserError('gate_form_changed', 'The form changed while you were filling it in. Press **Apply** again to start over.');
  }
  const questions = form.pages[page - 1];
  if (!questions) throw new UserError('gate_bad_page', 'That page of the form does not exist any more. Press **Apply** again.');
  const draft = await drafts.get(ctx.user.id);
  const done = draft && draft.formVersion === version ? draft.pagesDone : 0;
  if (page > done + 1) throw new UserError('gate_skipped_page', 'Please fill in the form from the start: press **Apply** again.');
  const { answers, problems } = readPage(questions, fields);
  if (problems.length > 0) throw new UserError('gate_bad_answers', `Please fix your answers: ${problems.join(' ')}`);

  if (page < form.pages.length) {
    await drafts.savePage(ctx.user.id, version, page, answers);
    return ctx.reply({
      content: `Page ${page} of ${form.pages.length} saved. If you close the form, press **Apply** again to continue where you left off.`,
      components: [continueButton(page + 1, form.pages.length)],
      ephemeral: true,
    });
  }
  return submit(ctx, form, { ...(draft?.answers ?? {}), ...answers });
}

async function submit(ctx: InteractionContext, form: Form, answers: Record<string, string>): Promise<Reply> {
  const apps = new ApplicationsRepo(ctx.db, ctx.guild);
  const now = Date.now();
  const accountCreatedAt = snowflakeTime(ctx.user.id);
  const joined = ctx.member && 'joined_at' in ctx.member && ctx.member.joined_at ? Date.parse(ctx.member.joined_at) : NaN;
  const missing = form.questions.filter((q) => q.required && !(answers[String(q.id)] ?? '').trim());
  if (missing.length > 0) {
    throw new UserError('gate_incomplete', `Some answers are missing (${missing.map((q) => `"${q.label}"`).join(', ')}). Press **Apply** again.`);
  }
  const [inserted] = await ctx.db
    .batch([
      apps.insertStatement({
        userId: ctx.user.id,
        userTag: ctx.user.global_name ? `${ctx.user.global_name} (@${ctx.user.username})` : `@${ctx.user.username}`,
        answers: collectAnswers(form.questions, answers),
        accountCreatedAt,
        joinedAt: Number.isFinite(joined) ? joined : null,
        youngAccount: form.settings.youngAccountDays > 0 && now - accountCreatedAt < form.settings.youngAccountDays * 86_400_000,
        submittedAt: now,
      }),
      new DraftsRepo(ctx.db, ctx.guild).deleteStatement(ctx.user.id),
      // The review card goes into the outbox with the application: it cannot be forgotten.
      new CardOutbox(ctx.db).enqueueStatement(ctx.guild, ctx.user.id, now),
    ])
    .catch((error: unknown) => {
      // The one-open-application index: a second submit (double click, two tabs) lost the race.
      if (isUniqueViolation(error)) {
        throw new UserError('gate_pending', 'You already have an application waiting for review. Staff will get back to you.');
      }
      throw error;
    });
  const app = inserted[0];
  if (!app) throw new Error('gate: application insert returned no row');
  const reply = ctx.reply({ content: 'Thanks! Your application was sent to the staff. You will hear back by direct message.', ephemeral: true });
  return {
    ...reply,
    // Nothing here may replace the applicant's confirmation with an error: the application is
    // stored and its card is in the outbox, so a failure is logged and the outbox cron posts
    // the card later.
    after: async () => {
      await deliverCards(ctx, { applicationId: app.id }).catch((error: unknown) => logAfterSubmit('card', app.id, error));
      await emitInternal(ctx, 'application_submitted', { guildId: ctx.guild, userId: ctx.user.id, key: `application:${app.id}`, occurredAt: now, payload: { applicationId: app.id, youngAccount: app.youngAccount } });
      // The card shows "Avatar risk: scanning…" until the scanner answers through applyAvatarRisk.
      await requestAvatarScan(ctx, { guildId: ctx.guild, userId: ctx.user.id, avatarHash: ctx.user.avatar ?? null, applicationId: app.id }).catch((error: unknown) =>
        logAfterSubmit('avatar scan', app.id, error),
      );
    },
  };
}

function logAfterSubmit(what: string, applicationId: number, error: unknown): void {
  console.error(JSON.stringify({ msg: `gate: ${what} after submission failed`, application: applicationId, error: String(error), stack: (error as Error)?.stack }));
}
