/**
 * The gate's dashboard configuration routes (managers): the gate settings `/gate setup`
 * edits, and the application form (add, edit, reorder, remove questions). Every change goes
 * through the services the commands use and is audited with before and after.
 */
import * as z from 'zod';
import { defineApiRoute, type ApiContext } from '../../core/api/define';
import { ApiError } from '../../core/api/errors';
import { UserError } from '../../core/errors';
import { fieldError, questionSchema, snowflake, toQuestion } from './api.schemas';
import { GATE_SETTINGS_KEY, gateSettingsSchema, readGateSettings, roleProblem, unverifiedProblem } from './config';
import { MAX_QUESTIONS, QuestionsRepo } from './questions.repo';
import { addQuestion, editQuestion, removeQuestion, reorderQuestions } from './questions.service';

/** The settings the dashboard edits (the gate message's place is `/gate post`'s). */
export const gateSettingsBody = z
  .object({
    acceptedRoleIds: z.array(snowflake).min(1, 'Choose at least one role.').max(3, 'At most three roles.'),
    unverifiedRoleId: snowflake.nullable(),
    welcomeTemplate: z.string().trim().min(1, 'Write a welcome message.').max(1500, 'At most 1,500 characters.'),
    cooldownHours: z.number().int().min(0).max(8760),
    youngAccountDays: z.number().int().min(0).max(3650),
    reviewerRoleId: snowflake.nullable(),
    adminRoleId: snowflake.nullable(),
  })
  .partial();

const settingsResponse = gateSettingsSchema;

/** Checks every role the body names against the server's roles: exists, assignable where given. */
async function checkRoles(ctx: ApiContext, body: z.output<typeof gateSettingsBody>): Promise<void> {
  const named: [string, string, string | null][] = [
    ...(body.acceptedRoleIds ?? []).map((id, i): [string, string, string] => [`acceptedRoleIds.${i}`, id, 'accepted role']),
    ['unverifiedRoleId', body.unverifiedRoleId ?? '', 'unverified role'],
    ['reviewerRoleId', body.reviewerRoleId ?? '', null],
    ['adminRoleId', body.adminRoleId ?? '', null],
  ];
  const wanted = named.filter(([, id]) => id);
  if (wanted.length === 0) return;
  const roles = new Map((await ctx.discord.guilds.roles(ctx.guild)).map((r) => [r.id, r]));
  for (const [field, id, what] of wanted) {
    const role = roles.get(id);
    if (!role) throw fieldError(field, 'There is no such role in this server.');
    const problem = what ? roleProblem(ctx.guild, role, what) : null;
    if (problem) throw fieldError(field, problem);
  }
}

/** `GET /gate/settings`. */
export const getGateSettingsRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/gate/settings',
  access: 'manager',
  summary: 'The gate settings (roles, welcome message, cooldown, young-account flag, alert pings)',
  response: settingsResponse,
  handler: async (ctx) => readGateSettings(ctx.config),
});

/** `PATCH /gate/settings`: only the keys given change (as `/gate setup` keeps what it is not told). */
export const updateGateSettingsRoute = defineApiRoute({
  method: 'patch',
  path: '/guilds/{guildId}/gate/settings',
  access: 'manager',
  summary: 'Change some gate settings',
  request: { body: gateSettingsBody },
  response: settingsResponse,
  handler: async (ctx, { body }) => {
    await checkRoles(ctx, body);
    return ctx.config.updateSettings(ctx.user.id, GATE_SETTINGS_KEY, gateSettingsSchema, (current) => {
      const next = { ...current, ...body };
      if (body.acceptedRoleIds) next.acceptedRoleIds = [...new Set(body.acceptedRoleIds)];
      const clash = unverifiedProblem(next.acceptedRoleIds, next.unverifiedRoleId);
      if (clash) throw fieldError('unverifiedRoleId', clash);
      return next;
    });
  },
});

const questionFields = {
  label: z.string().trim().min(1, 'Write the question.').max(45, 'At most 45 characters (Discord’s limit).'),
  style: z.enum(['short', 'paragraph']),
  required: z.boolean(),
  minLength: z.number().int().min(0).max(4000).nullable(),
  maxLength: z.number().int().min(1).max(4000).nullable(),
};

function limitsInOrder(q: { minLength?: number | null; maxLength?: number | null }, issues: z.core.$RefinementCtx): void {
  if (q.minLength != null && q.maxLength != null && q.minLength > q.maxLength) {
    issues.addIssue({ code: 'custom', path: ['minLength'], message: 'The shortest answer cannot be longer than the longest.' });
  }
}

/** A new question: the label is required, the rest defaulted as `/gate questions add` does. */
export const newQuestionBody = z
  .object({
    ...questionFields,
    style: questionFields.style.default('short'),
    required: questionFields.required.default(true),
    minLength: questionFields.minLength.default(null),
    maxLength: questionFields.maxLength.default(null),
  })
  .superRefine(limitsInOrder);

/** An edit: any of the question's fields. */
export const questionPatchBody = z.object(questionFields).partial().superRefine(limitsInOrder);

const formResponse = z.object({ questions: z.array(questionSchema), maxQuestions: z.number().int() });

async function form(ctx: ApiContext) {
  const questions = await new QuestionsRepo(ctx.db, ctx.guild).list();
  return { questions: questions.map(toQuestion), maxQuestions: MAX_QUESTIONS };
}

/** Runs a form change; the form's own refusals (full, changed meanwhile, gone) become 409/404. */
async function change(ctx: ApiContext, run: () => Promise<unknown>) {
  try {
    await run();
  } catch (error) {
    if (error instanceof UserError && !(error instanceof ApiError)) {
      throw new ApiError(error.code === 'gate_no_question' ? 404 : 409, error.code, error.message);
    }
    throw error;
  }
  return form(ctx);
}

const questionParams = z.object({ questionId: z.coerce.number().int().positive() });

/** `GET /gate/questions`. */
export const listQuestionsRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/gate/questions',
  access: 'manager',
  summary: 'The application form, in order',
  response: formResponse,
  handler: async (ctx) => form(ctx),
});

/** `POST /gate/questions`: appended at the end (at most 15). */
export const addQuestionRoute = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/gate/questions',
  access: 'manager',
  summary: 'Add a question at the end of the form',
  status: 201,
  request: { body: newQuestionBody },
  response: formResponse,
  handler: async (ctx, { body }) => change(ctx, () => addQuestion(ctx, ctx.user.id, body)),
});

/** `PATCH /gate/questions/{questionId}`. */
export const editQuestionRoute = defineApiRoute({
  method: 'patch',
  path: '/guilds/{guildId}/gate/questions/{questionId}',
  access: 'manager',
  summary: 'Change a question',
  request: { params: questionParams, body: questionPatchBody },
  response: formResponse,
  handler: async (ctx, { params, body }) => change(ctx, () => editQuestion(ctx, ctx.user.id, params.questionId, body)),
});

/** `PUT /gate/questions/order`: every question's id, in the new order. */
export const reorderQuestionsRoute = defineApiRoute({
  method: 'put',
  path: '/guilds/{guildId}/gate/questions/order',
  access: 'manager',
  summary: 'Reorder the form (every question id, once, in the new order)',
  request: { body: z.object({ ids: z.array(z.number().int().positive()).min(1).max(MAX_QUESTIONS) }) },
  response: formResponse,
  handler: async (ctx, { body }) => change(ctx, () => reorderQuestions(ctx, ctx.user.id, body.ids)),
});

/** `DELETE /gate/questions/{questionId}`. */
export const removeQuestionRoute = defineApiRoute({
  method: 'delete',
  path: '/guilds/{guildId}/gate/questions/{questionId}',
  access: 'manager',
  summary: 'Remove a question',
  request: { params: questionParams },
  response: formResponse,
  handler: async (ctx, { params }) => change(ctx, () => removeQuestion(ctx, ctx.user.id, params.questionId)),
});
