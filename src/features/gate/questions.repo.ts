/**
 * A guild's application form: up to 15 questions in `position` order.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../../db/client';
import { gateQuestions, type GateQuestionRow } from './schema';

/** Most questions a form may have (three modals of five inputs). */
export const MAX_QUESTIONS = 15;

/** A question as `/gate questions add` describes it. */
export type NewQuestion = Pick<GateQuestionRow, 'label' | 'style' | 'required' | 'minLength' | 'maxLength'>;

/** Guild-scoped access to the form's questions. */
export class QuestionsRepo {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** The questions in the order applicants see them. */
  list(): Promise<GateQuestionRow[]> {
    return this.db.select().from(gateQuestions).where(eq(gateQuestions.guildId, this.guildId)).orderBy(asc(gateQuestions.position));
  }

  /**
   * A statement appending `question` at the end, unless the form is full. One statement,
   * so two admins adding at once cannot both take the last slot (the position index decides).
   */
  addStatement(question: NewQuestion): BatchItem<'sqlite'> {
    return this.db.insert(gateQuestions).select(sql`
      SELECT NULL, ${this.guildId}, COALESCE(m, 0) + 1, ${question.label}, ${question.style}, ${question.required ? 1 : 0},
             ${question.minLength}, ${question.maxLength}
      FROM (SELECT COUNT(*) AS c, MAX(position) AS m FROM gate_questions WHERE guild_id = ${this.guildId})
      WHERE c < ${MAX_QUESTIONS}`);
  }

  /** A statement deleting one question by id. */
  removeStatement(id: number): BatchItem<'sqlite'> {
    return this.db.delete(gateQuestions).where(and(eq(gateQuestions.guildId, this.guildId), eq(gateQuestions.id, id)));
  }

  /** A statement deleting every question. */
  clearStatement(): BatchItem<'sqlite'> {
    return this.db.delete(gateQuestions).where(eq(gateQuestions.guildId, this.guildId));
  }
}
