/**
 * The gate's dashboard routes for applications (reviewers): the queue with filters and
 * cursor paging, one application, claim and unclaim, and decisions. Transitions are the
 * repository's conditional updates the buttons use, and a decision's side effects (roles,
 * DMs, welcome, kick, the review card in Discord) are the buttons' own `completeAccept` /
 * `completeNegative`, run to the end before the answer; what a button would say privately
 * comes back as `notices`.
 */
import * as z from 'zod';
import { defineApiRoute, type ApiContext } from '../../core/api/define';
import { ApiError } from '../../core/api/errors';
import { levelRank } from '../../core/staff';
import { ApplicationsRepo, type Actor, type Decision } from './applications.repo';
import {
  QUEUE_FILTERS,
  applicationDetail,
  applicationList,
  cursorParam,
  decisionResult,
  decodeCursor,
  encodeCursor,
  toDetail,
  toSummary,
} from './api.schemas';
import { readGateSettings } from './config';
import { completeAccept, completeNegative, lossOf, refreshCard, reviewScope, settingsForAccept, type ReviewScope } from './review.service';
import type { GateApplicationRow } from './schema';

const idParams = z.object({ applicationId: z.coerce.number().int().positive() });

/** The reviewer acting through the dashboard. */
function actorOf(ctx: ApiContext): Actor {
  return { userId: ctx.user.id, rank: levelRank(ctx.access.level) };
}

/** A review scope whose notices are collected for the response. */
function scopeOf(ctx: ApiContext, notices: string[]): ReviewScope {
  return reviewScope(ctx, async (notice) => void notices.push(notice.content));
}

/** The audit row of a dashboard transition: the application's status and claim before and after. */
function audit(ctx: ApiContext, action: string, before: GateApplicationRow, after: GateApplicationRow): Promise<void> {
  const facts = (a: GateApplicationRow) => ({ id: a.id, userId: a.userId, status: a.status, claimedBy: a.claimedBy, reason: a.reason });
  return ctx.config.audited(ctx.user.id, action, facts(before), facts(after));
}

/** The row as it was before a transition that `after` is the result of. */
function open(after: GateApplicationRow, claimedBy: string | null): GateApplicationRow {
  return { ...after, status: claimedBy ? 'claimed' : 'pending', claimedBy, decidedBy: null, decidedAt: null, reason: null };
}

async function detail(repo: ApplicationsRepo, app: GateApplicationRow) {
  return toDetail(app, await repo.isBlocked(app.userId));
}

async function existing(repo: ApplicationsRepo, id: number): Promise<GateApplicationRow> {
  const app = await repo.get(id);
  if (!app) throw new ApiError(404, 'unknown_application', `There is no application #${id}.`);
  return app;
}

/** After a lost transition: the current row for a repeat of one's own action, else 409 with the reason. */
async function afterLoss(repo: ApplicationsRepo, id: number, actorId: string, wanted: Decision | 'claimed' | 'pending'): Promise<GateApplicationRow> {
  const app = await existing(repo, id);
  const loss = lossOf(app, actorId, wanted);
  if (loss.quiet) return app;
  throw new ApiError(409, loss.code, loss.message);
}

/** `GET /applications`: the queue. */
export const listApplicationsRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/applications',
  access: 'reviewer',
  keyScope: 'applications:read',
  summary: 'Applications: open ones oldest first, or decided ones newest first, a page at a time',
  request: {
    query: z.object({
      status: z.enum(QUEUE_FILTERS).default('open'),
      cursor: cursorParam.optional(),
      limit: z.coerce.number().int().min(1).max(100).default(25),
    }),
  },
  response: applicationList,
  handler: async (ctx, { query }) => {
    const repo = new ApplicationsRepo(ctx.db, ctx.guild);
    const [page, counts] = await Promise.all([repo.list(query.status, query.limit, decodeCursor(query.cursor)), repo.openCounts()]);
    return { applications: page.rows.map(toSummary), next: encodeCursor(page.next), counts };
  },
});

/** `GET /applications/{id}`: answers, avatar risk, account age. */
export const getApplicationRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/applications/{applicationId}',
  access: 'reviewer',
  keyScope: 'applications:read',
  summary: 'One application with its answers, avatar risk and account age',
  request: { params: idParams },
  response: applicationDetail,
  handler: async (ctx, { params }) => {
    const repo = new ApplicationsRepo(ctx.db, ctx.guild);
    return detail(repo, await existing(repo, params.applicationId));
  },
});

/** `POST /applications/{id}/claim`: as the Claim button (the card updates in Discord). */
export const claimApplicationRoute = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/applications/{applicationId}/claim',
  access: 'reviewer',
  summary: 'Claim an application (as the Claim button)',
  request: { params: idParams },
  response: applicationDetail,
  handler: async (ctx, { params }) => {
    const repo = new ApplicationsRepo(ctx.db, ctx.guild);
    const claimed = await repo.claim(params.applicationId, actorOf(ctx));
    if (!claimed) return detail(repo, await afterLoss(repo, params.applicationId, ctx.user.id, 'claimed'));
    await audit(ctx, 'gate.application.claim', open(claimed, null), claimed);
    await refreshCard(ctx, claimed);
    return detail(repo, claimed);
  },
});

/** `DELETE /applications/{id}/claim`: as Unclaim (the claimant, or staff above them). */
export const unclaimApplicationRoute = defineApiRoute({
  method: 'delete',
  path: '/guilds/{guildId}/applications/{applicationId}/claim',
  access: 'reviewer',
  summary: 'Release a claim (as the Unclaim button)',
  request: { params: idParams },
  response: applicationDetail,
  handler: async (ctx, { params }) => {
    const repo = new ApplicationsRepo(ctx.db, ctx.guild);
    const before = await existing(repo, params.applicationId); // for the audit row only: the update below decides
    const released = await repo.unclaim(params.applicationId, actorOf(ctx));
    if (!released) return detail(repo, await afterLoss(repo, params.applicationId, ctx.user.id, 'pending'));
    await audit(ctx, 'gate.application.unclaim', before, released);
    await refreshCard(ctx, released);
    return detail(repo, released);
  },
});

const DECISIONS = { accept: 'accepted', reject: 'rejected', kick: 'kicked', block: 'blocked' } as const satisfies Record<string, Decision>;

/** A decision's body: the reason is required (3–1,000 characters) for all but accept. */
export const decisionBody = z
  .object({
    decision: z.enum(['accept', 'reject', 'kick', 'block']),
    reason: z.string().trim().max(1000, 'At most 1,000 characters.').optional(),
  })
  .superRefine((body, issues) => {
    if (body.decision !== 'accept' && (body.reason ?? '').length < 3) {
      issues.addIssue({ code: 'custom', path: ['reason'], message: 'Please give a reason (the applicant reads it).' });
    }
  });

/** `POST /applications/{id}/decision`: accept, reject, kick or permanently reject, as the buttons do. */
export const decideApplicationRoute = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/applications/{applicationId}/decision',
  access: 'reviewer',
  summary: 'Decide an application (as Accept, Reject, Kick, Permanently reject): roles, DMs and the review card follow',
  request: { params: idParams, body: decisionBody },
  response: decisionResult,
  handler: async (ctx, { params, body }) => {
    const decision = DECISIONS[body.decision];
    const settings = decision === 'accepted' ? await settingsForAccept(ctx) : await readGateSettings(ctx.config);
    const repo = new ApplicationsRepo(ctx.db, ctx.guild);
    const reason = decision === 'accepted' ? null : (body.reason ?? '');
    const decided = await repo.decide(params.applicationId, decision, actorOf(ctx), reason);
    if (!decided) return { application: await detail(repo, await afterLoss(repo, params.applicationId, ctx.user.id, decision)), notices: [] };
    const notices: string[] = [];
    const scope = scopeOf(ctx, notices);
    if (decision === 'accepted') await completeAccept(scope, decided, settings);
    else await completeNegative(scope, decided, decision, settings);
    // The final state: a refused role grant or kick has reverted the decision by now.
    const final = (await repo.get(decided.id)) ?? decided;
    await audit(ctx, `gate.application.${decision}`, open(decided, decided.claimedBy), final);
    return { application: await detail(repo, final), notices };
  },
});
