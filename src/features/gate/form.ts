/**
 * The application form as modals: questions in pages of five (Discord's modal limit), a
 * version that identifies the question set (a changed form invalidates drafts), and the
 * modal for one page.
 */
import {
  ComponentType,
  TextInputStyle,
  type APIModalInteractionResponseCallbackData,
} from 'discord-api-types/v10';
import { encodeCustomId } from '../../core/custom-id';
import type { GateQuestionRow, StoredAnswer } from './schema';

/** Inputs per modal. */
export const PAGE_SIZE = 5;

/** The questions split into modal pages. */
export function paginate(questions: GateQuestionRow[]): GateQuestionRow[][] {
  const pages: GateQuestionRow[][] = [];
  for (let i = 0; i < questions.length; i += PAGE_SIZE) pages.push(questions.slice(i, i + PAGE_SIZE));
  return pages;
}

/** A short, stable fingerprint of the question set (FNV-1a over ids, labels and limits). */
export function formVersion(questions: GateQuestionRow[]): string {
  let hash = 0x811c9dc5;
  const text = questions.map((q) => `${q.id}|${q.label}|${q.style}|${q.required}|${q.minLength}|${q.maxLength}`).join('\n');
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

/** The text input id of a question. */
export const fieldId = (q: Pick<GateQuestionRow, 'id'>) => `q${q.id}`;

/** The modal for page `page` (1-based) of `pages`, pre-filled from `prefill` (question id → answer). */
export function pageModal(
  pages: GateQuestionRow[][],
  page: number,
  version: string,
  serverName: string | null,
  prefill: Record<string, string> = {},
): APIModalInteractionResponseCallbackData {
  const questions = pages[page - 1] ?? [];
  const title = `Apply${serverName ? ` to ${serverName}` : ''}`.slice(0, 45 - ` (${page}/${pages.length})`.length);
  return {
    custom_id: encodeCustomId('gate.answer', page, version),
    title: pages.length > 1 ? `${title} (${page}/${pages.length})` : title,
    components: questions.map((q) => ({
      type: ComponentType.Label,
      label: q.label,
      component: {
        type: ComponentType.TextInput,
        custom_id: fieldId(q),
        style: q.style === 'paragraph' ? TextInputStyle.Paragraph : TextInputStyle.Short,
        required: q.required,
        ...(q.minLength !== null ? { min_length: q.minLength } : {}),
        max_length: q.maxLength ?? (q.style === 'paragraph' ? 4000 : 400),
        ...(prefill[String(q.id)] ? { value: prefill[String(q.id)] } : {}),
      },
    })),
  };
}

/** The answers of one page from a modal submit's fields, checked against the questions' limits. */
export function readPage(questions: GateQuestionRow[], fields: Record<string, string>): { answers: Record<string, string>; problems: string[] } {
  const answers: Record<string, string> = {};
  const problems: string[] = [];
  for (const q of questions) {
    const value = (fields[fieldId(q)] ?? '').trim();
    if (q.required && value === '') problems.push(`"${q.label}" needs an answer.`);
    if (value !== '' && q.minLength !== null && value.length < q.minLength) problems.push(`"${q.label}" needs at least ${q.minLength} characters.`);
    if (q.maxLength !== null && value.length > q.maxLength) problems.push(`"${q.label}" allows at most ${q.maxLength} characters.`);
    answers[String(q.id)] = value;
  }
  return { answers, problems };
}

/** The answers of a finished form, in question order, as stored on the application. */
export function collectAnswers(questions: GateQuestionRow[], answers: Record<string, string>): StoredAnswer[] {
  return questions.map((q) => ({ question: q.label, answer: answers[String(q.id)] ?? '' }));
}
