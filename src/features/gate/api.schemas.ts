/**
 * The gate's dashboard API shapes (zod): applications as the queue and the detail page show
 * them, gate settings, form questions and reviewer metrics. Times are ms since the epoch.
 */
import * as z from 'zod';
import { ApiError } from '../../core/api/errors';
import { DECIDED_STATUSES, type QueueCursor } from './applications.repo';
import { APPLICATION_STATUSES, type GateApplicationRow, type GateQuestionRow } from './schema';

/** A Discord id. */
export const snowflake = z.string().regex(/^\d{15,21}$/, 'must be a Discord id');

/** A 422 naming one field, in the platform's `{ error: 'invalid', fields }` shape. */
export function fieldError(field: string, message: string): ApiError {
  return new ApiError(422, 'invalid', 'Some fields are not valid.', { fields: { [field]: message } });
}

const avatarRisk = z.object({ score: z.number(), label: z.string(), highlight: z.boolean(), detail: z.string().optional() });

/** One application in the queue. */
export const applicationSummary = z.object({
  id: z.number().int(),
  userId: z.string(),
  userTag: z.string(),
  status: z.enum(APPLICATION_STATUSES),
  submittedAt: z.number(),
  accountCreatedAt: z.number(),
  youngAccount: z.boolean(),
  claimedBy: z.string().nullable(),
  claimedAt: z.number().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.number().nullable(),
  override: z.boolean(),
  reason: z.string().nullable(),
  avatarRisk: avatarRisk.nullable(),
  /** Link to the review card in Discord, when it is posted. */
  cardUrl: z.string().nullable(),
});

/** One application with everything the detail page shows. */
export const applicationDetail = applicationSummary.extend({
  answers: z.array(z.object({ question: z.string(), answer: z.string() })),
  joinedAt: z.number().nullable(),
  /** Whole days between the account's creation and the submission. */
  accountAgeDays: z.number().int(),
  dmError: z.string().nullable(),
  lastError: z.string().nullable(),
  /** Whether the applicant is permanently rejected. */
  blocked: z.boolean(),
});

/** A page of the queue. */
export const applicationList = z.object({
  applications: z.array(applicationSummary),
  /** Pass as `cursor` for the next page; null on the last. */
  next: z.string().nullable(),
  counts: z.object({ pending: z.number().int(), claimed: z.number().int() }),
});

/** A decision's answer: the application as it now is, and what the reviewer should know. */
export const decisionResult = z.object({
  application: applicationDetail,
  /** Problems the buttons would tell privately (a failed DM, role grant or kick…). */
  notices: z.array(z.string()),
});

/** The queue's filters. */
export const QUEUE_FILTERS = ['open', 'pending', 'claimed', 'decided'] as const;

/** `at.id` of the last row of a page. */
const CURSOR = /^(\d{1,16})\.(\d{1,16})$/;

/** The queue cursor as the API passes it. */
export const cursorParam = z.string().regex(CURSOR, 'not a cursor from this API');

export function encodeCursor(c: QueueCursor | null): string | null {
  return c ? `${c.at}.${c.id}` : null;
}

export function decodeCursor(raw: string | undefined): QueueCursor | undefined {
  const m = raw ? CURSOR.exec(raw) : null;
  return m ? { at: Number(m[1]), id: Number(m[2]) } : undefined;
}

function cardUrl(app: GateApplicationRow): string | null {
  return app.cardChannelId && app.cardMessageId ? `https://discord.com/channels/${app.guildId}/${app.cardChannelId}/${app.cardMessageId}` : null;
}

export function toSummary(app: GateApplicationRow): z.input<typeof applicationSummary> {
  return {
    id: app.id,
    userId: app.userId,
    userTag: app.userTag,
    status: app.status,
    submittedAt: app.submittedAt,
    accountCreatedAt: app.accountCreatedAt,
    youngAccount: app.youngAccount,
    claimedBy: app.claimedBy,
    claimedAt: app.claimedAt,
    decidedBy: app.decidedBy,
    decidedAt: app.decidedAt,
    override: app.override,
    reason: app.reason,
    avatarRisk: app.avatarRisk ?? null,
    cardUrl: cardUrl(app),
  };
}

export function toDetail(app: GateApplicationRow, blocked: boolean): z.input<typeof applicationDetail> {
  return {
    ...toSummary(app),
    answers: app.answers,
    joinedAt: app.joinedAt,
    accountAgeDays: Math.max(0, Math.floor((app.submittedAt - app.accountCreatedAt) / 86_400_000)),
    dmError: app.dmError,
    lastError: app.lastError,
    blocked,
  };
}

/** Whether a status is a decision. */
export const isDecided = (s: string) => (DECIDED_STATUSES as readonly string[]).includes(s);

/** A question of the form as the API shows it (`number` is its 1-based place). */
export const questionSchema = z.object({
  id: z.number().int(),
  number: z.number().int(),
  label: z.string(),
  style: z.enum(['short', 'paragraph']),
  required: z.boolean(),
  minLength: z.number().int().nullable(),
  maxLength: z.number().int().nullable(),
});

export function toQuestion(q: GateQuestionRow, i: number): z.input<typeof questionSchema> {
  return { id: q.id, number: i + 1, label: q.label, style: q.style === 'paragraph' ? 'paragraph' : 'short', required: q.required, minLength: q.minLength, maxLength: q.maxLength };
}
