/**
 * Changing the application form: add, edit, reorder and remove questions, each one batch
 * with its `audit_log` row (before/after carry the question's id, so the dashboard can
 * revert them). `/gate questions` and the dashboard both call these. A changed form changes
 * its version, so applicants partway through start again (see `formVersion`).
 */
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import * as z from 'zod';
import { auditLog } from '../../core/schema';
import type { GuildConfig } from '../../core/guild-config.repo';
import { UserError } from '../../core/errors';
import type { Db } from '../../db/client';
import { MAX_QUESTIONS, QuestionsRepo, type NewQuestion } from './questions.repo';
import { gateQuestions, type GateQuestionRow } from './schema';

/** What the form services need: the database and the guild's (audited) configuration. */
export interface FormScope {
  db: Db;
  config: GuildConfig;
}

/** A question as the audit log records it. */
export type AuditedQuestion = NewQuestion & { id: number; position: number };

const audited = (q: GateQuestionRow): AuditedQuestion => ({
  id: q.id,
  position: q.position,
  label: q.label,
  style: q.style,
  required: q.required,
  minLength: q.minLength,
  maxLength: q.maxLength,
});

function assertLimits(q: Pick<NewQuestion, 'minLength' | 'maxLength'>): void {
  if (q.minLength !== null && q.maxLength !== null && q.minLength > q.maxLength) {
    throw new UserError('gate_bad_question', 'The shortest answer cannot be longer than the longest.');
  }
}

function repoOf(scope: FormScope): QuestionsRepo {
  return new QuestionsRepo(scope.db, scope.config.guildId);
}

/** An `audit_log` insert that lands only when `guard` (SQL, evaluated in the batch) holds. */
function guardedAudit(scope: FormScope, actorId: string, action: string, before: SQL, after: SQL, guard: SQL) {
  return scope.db
    .insert(auditLog)
    .select(sql`SELECT NULL, ${scope.config.guildId}, ${actorId}, ${action}, ${before}, ${after}, ${Date.now()} WHERE ${guard}`);
}

const json = (value: unknown) => sql`${value === null ? null : JSON.stringify(value)}`;

/**
 * Appends a question unless the form is full (checked again in the insert itself). The
 * audit row is written in the same batch from the inserted row (so it knows the question's
 * id and position), and only when the insert added one.
 * @returns the form after the change
 */
export async function addQuestion(scope: FormScope, actorId: string, question: NewQuestion): Promise<GateQuestionRow[]> {
  const repo = repoOf(scope);
  const existing = await repo.list();
  if (existing.length >= MAX_QUESTIONS) throw new UserError('gate_form_full', `The form already has ${MAX_QUESTIONS} questions. Remove one first.`);
  assertLimits(question);
  const clean = { ...question, label: question.label.trim() };
  const guild = scope.config.guildId;
  const row = sql`(SELECT json_object('id', id, 'position', position, 'label', label, 'style', style, 'required', json(CASE WHEN required THEN 'true' ELSE 'false' END),
    'minLength', min_length, 'maxLength', max_length) FROM gate_questions WHERE guild_id = ${guild} ORDER BY position DESC LIMIT 1)`;
  await scope.db.batch([repo.addStatement(clean), guardedAudit(scope, actorId, 'gate.question.add', sql`NULL`, row, sql`changes() = 1`)]);
  const after = await repo.list();
  if (after.length === existing.length) throw new UserError('gate_form_full', `The form already has ${MAX_QUESTIONS} questions.`);
  return after;
}

/** Changes a question's text, style, requirement or limits. */
export async function editQuestion(scope: FormScope, actorId: string, id: number, patch: Partial<NewQuestion>): Promise<GateQuestionRow[]> {
  const repo = repoOf(scope);
  const current = (await repo.list()).find((q) => q.id === id);
  if (!current) throw new UserError('gate_no_question', 'That question no longer exists.');
  const next: GateQuestionRow = { ...current, ...patch, label: (patch.label ?? current.label).trim() };
  assertLimits(next);
  const change = scope.db
    .update(gateQuestions)
    .set({ label: next.label, style: next.style, required: next.required, minLength: next.minLength, maxLength: next.maxLength })
    .where(and(eq(gateQuestions.guildId, scope.config.guildId), eq(gateQuestions.id, id)));
  await scope.config.audited(actorId, 'gate.question.edit', audited(current), audited(next), change);
  return repo.list();
}

/** Removes one question by id. */
export async function removeQuestion(scope: FormScope, actorId: string, id: number): Promise<GateQuestionRow> {
  const repo = repoOf(scope);
  const question = (await repo.list()).find((q) => q.id === id);
  if (!question) throw new UserError('gate_no_question', 'That question no longer exists.');
  await scope.config.audited(actorId, 'gate.question.remove', audited(question), null, repo.removeStatement(question.id));
  return question;
}

/**
 * Puts the questions in the order of `ids` (every question of the form, once). One batch:
 * positions are moved out of the way, then set; both statements only apply while the form
 * still holds exactly these questions, so a question added meanwhile is never left behind.
 */
export async function reorderQuestions(scope: FormScope, actorId: string, ids: number[]): Promise<GateQuestionRow[]> {
  const repo = repoOf(scope);
  const current = await repo.list();
  const same = ids.length === current.length && new Set(ids).size === ids.length && current.every((q) => ids.includes(q.id));
  if (!same) throw new UserError('gate_form_changed', 'The form changed meanwhile: reload it and try again.');
  const guild = scope.config.guildId;
  const unchanged = sql`(SELECT COUNT(*) FROM gate_questions WHERE guild_id = ${guild}) = ${ids.length}
    AND (SELECT COUNT(*) FROM gate_questions WHERE guild_id = ${guild} AND id IN ${ids}) = ${ids.length}`;
  const mine = and(eq(gateQuestions.guildId, guild), inArray(gateQuestions.id, ids), unchanged);
  const cases = sql.join(ids.map((id, i) => sql`WHEN ${id} THEN ${i + 1}`), sql` `);
  await scope.db.batch([
    guardedAudit(scope, actorId, 'gate.question.reorder', json(current.map((q) => q.id)), json(ids), unchanged),
    scope.db.update(gateQuestions).set({ position: sql`${gateQuestions.position} + 1000` }).where(mine),
    scope.db.update(gateQuestions).set({ position: sql`CASE ${gateQuestions.id} ${cases} END` }).where(mine),
  ]);
  const after = await repo.list();
  if (after.map((q) => q.id).join() !== ids.join()) throw new UserError('gate_form_changed', 'The form changed meanwhile: reload it and try again.');
  return after;
}

const auditedQuestion = z.object({
  id: z.number().int(),
  position: z.number().int(),
  label: z.string(),
  style: z.string(),
  required: z.boolean(),
  minLength: z.number().int().nullable(),
  maxLength: z.number().int().nullable(),
});
const idList = z.array(z.number().int());

/** Actions of the form that `revertFormChange` can undo. */
export const REVERTIBLE_FORM_ACTIONS = ['gate.question.add', 'gate.question.edit', 'gate.question.remove', 'gate.question.reorder'] as const;

const fields = (q: NewQuestion): NewQuestion => ({ label: q.label, style: q.style, required: q.required, minLength: q.minLength, maxLength: q.maxLength });
const sameFields = (a: NewQuestion, b: NewQuestion) => JSON.stringify(fields(a)) === JSON.stringify(fields(b));

/**
 * Undoes one audited form change through the services above (so the undo is audited too),
 * only while the form still holds what the change left: an added question is removed, a
 * removed one added back at its place, an edit or a reorder put back.
 * @throws UserError `revert_conflict` when the form changed since, `revert_unsupported` for a row it cannot undo
 */
export async function revertFormChange(scope: FormScope, actorId: string, action: string, before: unknown, after: unknown): Promise<void> {
  const current = await repoOf(scope).list();
  const changed = () => new UserError('revert_conflict', 'The form has changed since; revert the later changes first.');
  switch (action) {
    case 'gate.question.add': {
      const added = auditedQuestion.safeParse(after);
      if (!added.success) throw new UserError('revert_unsupported', 'This entry does not say which question was added.');
      const now = current.find((q) => q.id === added.data.id);
      if (!now || !sameFields(now, added.data)) throw changed();
      await removeQuestion(scope, actorId, now.id);
      return;
    }
    case 'gate.question.remove': {
      const removed = auditedQuestion.safeParse(before);
      if (!removed.success) throw new UserError('revert_unsupported', 'This entry does not say which question was removed.');
      const form = await addQuestion(scope, actorId, fields(removed.data));
      const back = form.at(-1)!;
      const order = form.filter((q) => q.id !== back.id).map((q) => ({ id: q.id, position: q.position }));
      const place = order.filter((q) => q.position < removed.data.position).length;
      const ids = order.map((q) => q.id);
      ids.splice(place, 0, back.id);
      if (place < order.length) await reorderQuestions(scope, actorId, ids);
      return;
    }
    case 'gate.question.edit': {
      const was = auditedQuestion.parse(before);
      const is = auditedQuestion.parse(after);
      const now = current.find((q) => q.id === is.id);
      if (!now || !sameFields(now, is)) throw changed();
      await editQuestion(scope, actorId, was.id, fields(was));
      return;
    }
    case 'gate.question.reorder': {
      const was = idList.parse(before);
      if (current.map((q) => q.id).join() !== idList.parse(after).join()) throw changed();
      await reorderQuestions(scope, actorId, was);
      return;
    }
    default:
      throw new UserError('revert_unsupported', `A "${action}" entry cannot be reverted.`);
  }
}
