/**
 * Moderation's dashboard API (moderators): cases newest first with search by member, one
 * case with its reason history, a member's history (cases, notes, punishments active and
 * finished), amending a case's reason and adding a note, through the services `/case reason`
 * and `/note add` use, each audited with before and after.
 */
import * as z from 'zod';
import { defineApiRoute, hasKeyScope, type ApiContext } from '../../core/api/define';
import { ApiError } from '../../core/api/errors';
import { addNote, amendCaseReason } from './case-changes.service';
import { reasonText } from './case-embed';
import { ModerationService } from './moderation.service';
import { CASE_STATES, CASE_TYPES, PUNISHMENT_KINDS, PUNISHMENT_STATUSES, type CaseRow, type NoteRow, type PunishmentRow } from './schema';
import type { Amendment } from './cases.repo';

export const snowflake = z.string().regex(/^\d{15,21}$/, 'must be a Discord id');

const caseSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  type: z.enum(CASE_TYPES),
  state: z.enum(CASE_STATES),
  actorId: z.string(),
  targetId: z.string(),
  /** The original reason. */
  reason: z.string(),
  durationMs: z.number().nullable(),
  expiresAt: z.number().nullable(),
  dmSent: z.boolean().nullable(),
  refs: z.array(z.number().int()),
  deleted: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
  lastError: z.string().nullable(),
  modLogUrl: z.string().nullable(),
});

const amendmentSchema = z.object({ actorId: z.string(), text: z.string(), createdAt: z.number() });

const punishmentSchema = z.object({
  id: z.number().int(),
  caseId: z.string(),
  kind: z.enum(PUNISHMENT_KINDS),
  status: z.enum(PUNISHMENT_STATUSES),
  /** pending/processing: in force; held: its case is not confirmed yet; done/cancelled: ended. */
  active: z.boolean(),
  endsAt: z.number().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.number(),
});

const noteSchema = z.object({ id: z.number().int(), targetId: z.string(), actorId: z.string(), text: z.string(), createdAt: z.number() });

const caseDetailSchema = caseSchema.extend({
  amendments: z.array(amendmentSchema),
  /** The reason with its history, as the mod log shows it. */
  reasonText: z.string(),
  punishment: punishmentSchema.nullable(),
});

function toCase(row: CaseRow): z.input<typeof caseSchema> {
  return {
    id: row.id,
    number: row.caseNumber,
    type: row.type,
    state: row.state,
    actorId: row.actorId,
    targetId: row.targetId,
    reason: row.reason,
    durationMs: row.durationMs,
    expiresAt: row.expiresAt,
    dmSent: row.dmSent,
    refs: row.refs ?? [],
    deleted: row.deletedAt !== null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    lastError: row.lastError,
    modLogUrl: row.logChannelId && row.logMessageId ? `https://discord.com/channels/${row.guildId}/${row.logChannelId}/${row.logMessageId}` : null,
  };
}

function toPunishment(p: PunishmentRow): z.input<typeof punishmentSchema> {
  return {
    id: p.id,
    caseId: p.caseId,
    kind: p.kind,
    status: p.status,
    active: p.status === 'pending' || p.status === 'processing',
    endsAt: p.endsAt,
    lastError: p.lastError,
    createdAt: p.createdAt,
  };
}

const toNote = (n: NoteRow): z.input<typeof noteSchema> => ({ id: n.id, targetId: n.targetId, actorId: n.actorId, text: n.text, createdAt: n.createdAt });
const toAmendment = (a: Amendment): z.input<typeof amendmentSchema> => ({ actorId: a.actorId, text: a.text, createdAt: a.createdAt });

const service = (ctx: ApiContext) => new ModerationService({ db: ctx.db, discord: ctx.discord, config: ctx.config, events: ctx });

async function caseDetail(s: ModerationService, row: CaseRow): Promise<z.input<typeof caseDetailSchema>> {
  const [amendments, punishment] = await Promise.all([s.cases.amendments([row.id]), s.punishments.forCase(row.id)]);
  return { ...toCase(row), amendments: amendments.map(toAmendment), reasonText: reasonText(row, amendments), punishment: punishment ? toPunishment(punishment) : null };
}

/** `GET /moderation/cases?member=…`. */
export const listCasesRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/moderation/cases',
  access: 'moderator',
  keyScope: 'cases:read',
  summary: 'Cases, newest first; with `member`, only that member’s',
  request: {
    query: z.object({
      member: snowflake.optional(),
      /** The `next` of the previous page: cases numbered below it. */
      before: z.coerce.number().int().positive().optional(),
      limit: z.coerce.number().int().min(1).max(100).default(25),
    }),
  },
  response: z.object({ cases: z.array(caseSchema), next: z.number().int().nullable() }),
  handler: async (ctx, { query }) => {
    const { rows, next } = await service(ctx).cases.page({ targetId: query.member, beforeNumber: query.before, limit: query.limit });
    return { cases: rows.map(toCase), next };
  },
});

const caseParams = z.object({ caseNumber: z.coerce.number().int().positive() });

/** `GET /moderation/cases/{caseNumber}`. */
export const getCaseRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/moderation/cases/{caseNumber}',
  access: 'moderator',
  keyScope: 'cases:read',
  summary: 'One case with its reason history and its punishment',
  request: { params: caseParams },
  response: caseDetailSchema,
  handler: async (ctx, { params }) => {
    const s = service(ctx);
    const row = await s.cases.byNumber(params.caseNumber, { includeDeleted: true });
    if (!row) throw new ApiError(404, 'unknown_case', `There is no case #${params.caseNumber}.`);
    return caseDetail(s, row);
  },
});

/** `POST /moderation/cases/{caseNumber}/reason`: as `/case reason` (appends; the mod-log embed is edited). */
export const amendReasonRoute = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/moderation/cases/{caseNumber}/reason',
  access: 'moderator',
  summary: 'Add to a case’s reason (the history is kept; the mod-log embed is edited)',
  request: { params: caseParams, body: z.object({ text: z.string().trim().min(1, 'Write the new reason.').max(500, 'At most 500 characters.') }) },
  response: z.object({ case: caseDetailSchema, problem: z.string().nullable() }),
  handler: async (ctx, { params, body }) => {
    const s = service(ctx);
    const before = await s.cases.byNumber(params.caseNumber);
    const amended = await amendCaseReason(s, ctx.user.id, params.caseNumber, body.text);
    if (!amended || !before) throw new ApiError(404, 'unknown_case', `There is no case #${params.caseNumber} (or it is deleted).`);
    const detail = await caseDetail(s, amended.row);
    const history = (d: { reasonText: string }) => ({ case: params.caseNumber, reason: d.reasonText });
    await ctx.config.audited(ctx.user.id, 'moderation.case.reason', history({ reasonText: reasonText(before, detail.amendments.slice(0, -1) as Amendment[]) }), history(detail));
    return { case: detail, problem: amended.problem };
  },
});

const memberParams = z.object({ userId: snowflake });

/** `GET /moderation/members/{userId}`: cases, notes, punishments. */
export const memberHistoryRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/moderation/members/{userId}',
  access: 'moderator',
  keyScope: 'cases:read',
  summary: 'A member’s history: cases (newest first), notes, punishments active and finished',
  request: { params: memberParams },
  response: z.object({
    userId: z.string(),
    cases: z.array(caseSchema),
    /** Private staff notes; absent for an API key without `notes:read`. */
    notes: z.array(noteSchema).optional(),
    punishments: z.object({ active: z.array(punishmentSchema), ended: z.array(punishmentSchema) }),
  }),
  handler: async (ctx, { params }) => {
    const s = service(ctx);
    const privateNotes = hasKeyScope(ctx, 'notes:read');
    const [cases, notes, punishments] = await Promise.all([
      s.cases.page({ targetId: params.userId, limit: 100 }),
      privateNotes ? s.notes.forTarget(params.userId, 100) : null,
      s.punishments.forTarget(params.userId, 100),
    ]);
    const all = punishments.map(toPunishment);
    return {
      userId: params.userId,
      cases: cases.rows.map(toCase),
      ...(notes ? { notes: notes.map(toNote) } : {}),
      punishments: { active: all.filter((p) => p.active || p.status === 'held'), ended: all.filter((p) => !p.active && p.status !== 'held') },
    };
  },
});

/** `POST /moderation/members/{userId}/notes`: as `/note add`. */
export const addNoteRoute = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/moderation/members/{userId}/notes',
  access: 'moderator',
  keyScope: 'notes:write',
  summary: 'Add a private staff note about a member',
  status: 201,
  request: { params: memberParams, body: z.object({ text: z.string().trim().min(1, 'Write the note.').max(1000, 'At most 1,000 characters.') }) },
  response: noteSchema,
  handler: async (ctx, { params, body }) => {
    const note = await addNote(service(ctx), ctx.user.id, params.userId, body.text);
    await ctx.config.audited(ctx.user.id, 'moderation.note.add', null, toNote(note));
    return toNote(note);
  },
});
