/**
 * The rules engine on the dashboard (managers, as `/rules` is for administrators): list, show,
 * enable/disable, create or replace from JSON (zod paths as 422 field errors), delete, apply a
 * preset, dry run (a saved rule or a definition + days → per-member credits and refusals,
 * writing nothing) and recompute. Every change goes through `rules.service.ts` /
 * `rules.repo.ts` / `dry-run.service.ts` as the commands do, audited in the same batch.
 */
import * as z from 'zod';
import { defineApiRoute, type AnyApiRoute, type ApiContext } from '../../core/api/define';
import { ApiError } from '../../core/api/errors';
import { UserError } from '../../core/errors';
import { listCurrencies } from '../economy/public';
import { dryRun, recompute, type DryRunReport } from './dry-run.service';
import { PRESETS, type PresetName } from './presets';
import { ruleSchema, type StoredRule } from './rule-format';
import { GuildRules } from './rules.repo';
import { applyPreset, resolveCurrencies, ruleByName, saveRule } from './rules.service';
import { forgetEngine } from './run.service';

/** Turns the services' refusals into answers: a path-named one is a 422 on that path. */
async function service<T>(run: () => Promise<T>, prefix = ''): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof RangeError && !(error instanceof UserError)) throw new ApiError(422, 'invalid', 'Some fields are not valid.', { fields: { [`${prefix}trigger.event`]: error.message } });
    if (!(error instanceof UserError) || error instanceof ApiError) throw error;
    const message = error.message.replace(/`/g, '');
    if (error.code === 'unknown_rule') throw new ApiError(404, error.code, message);
    if (error.code === 'rule_exists') throw new ApiError(409, error.code, message);
    if (error.code === 'invalid_rule' || error.code === 'rule_loop') {
      const path = /^([\w.]+): (.*?)\.?$/.exec(message);
      throw new ApiError(422, 'invalid', 'Some fields are not valid.', { fields: path ? { [`${prefix}${path[1]}`]: path[2] } : { [prefix.replace(/\.$/, '')]: message } });
    }
    throw new ApiError(409, error.code, message);
  }
}

const storedSchema = z.object({
  id: z.string(),
  enabled: z.boolean(),
  version: z.number().int(),
  /** The definition as saved (currencies by id). */
  rule: z.record(z.string(), z.unknown()),
});

function toStored(r: StoredRule): z.input<typeof storedSchema> {
  return { id: r.id, enabled: r.enabled, version: r.version, rule: r.rule as unknown as Record<string, unknown> };
}

const nameParams = z.object({ name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'a rule name') });

/** `GET /rules`. */
export const listRulesRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/rules',
  access: 'manager',
  summary: "The server's rules, by name, with the presets one can apply",
  response: z.object({ rules: z.array(storedSchema), presets: z.array(z.object({ name: z.string(), description: z.string() })) }),
  handler: async (ctx) => ({
    rules: (await new GuildRules(ctx.db, ctx.guild).list()).map(toStored),
    presets: Object.entries(PRESETS).map(([name, p]) => ({ name, description: p.description })),
  }),
});

/** `GET /rules/{name}`. */
export const getRuleRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/rules/{name}',
  access: 'manager',
  summary: 'One rule with its JSON definition',
  request: { params: nameParams },
  response: storedSchema,
  handler: async (ctx, { params }) => toStored(await service(() => ruleByName(ctx.db, ctx.guild, params.name))),
});

/** `POST /rules`: the body is the rule (docs/engagement.md); 409 when the name exists. */
export const createRuleRoute = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/rules',
  access: 'manager',
  summary: 'Create a rule from its JSON definition (as /rules create; invalid paths are 422 fields)',
  status: 201,
  request: { body: ruleSchema },
  response: storedSchema,
  handler: async (ctx, { body }) => toStored(await service(() => saveRule(ctx.db, ctx.guild, ctx.user.id, body, false))),
});

/** `PUT /rules/{name}`: replaces the rule's definition (its name must stay). */
export const replaceRuleRoute = defineApiRoute({
  method: 'put',
  path: '/guilds/{guildId}/rules/{name}',
  access: 'manager',
  summary: 'Replace a rule’s definition (as /rules create replace:True)',
  request: { params: nameParams, body: ruleSchema },
  response: storedSchema,
  handler: async (ctx, { params, body }) => {
    if (body.name !== params.name) throw new ApiError(422, 'invalid', 'Some fields are not valid.', { fields: { name: `This is the rule ${params.name}: create a new rule to use another name.` } });
    await service(() => ruleByName(ctx.db, ctx.guild, params.name));
    return toStored(await service(() => saveRule(ctx.db, ctx.guild, ctx.user.id, body, true)));
  },
});

/** `PUT /rules/{name}/enabled`: `{ enabled }`, as `/rules enable|disable`. */
export const enableRuleRoute = defineApiRoute({
  method: 'put',
  path: '/guilds/{guildId}/rules/{name}/enabled',
  access: 'manager',
  summary: 'Turn a rule on or off (as /rules enable|disable)',
  request: { params: nameParams, body: z.object({ enabled: z.boolean() }) },
  response: storedSchema,
  handler: async (ctx, { params, body }) => {
    const rule = await service(() => ruleByName(ctx.db, ctx.guild, params.name));
    const saved = await service(() => new GuildRules(ctx.db, ctx.guild).setEnabled(ctx.user.id, rule.rule.name, body.enabled));
    forgetEngine(ctx.guild);
    return toStored(saved);
  },
});

/** `DELETE /rules/{name}`: what it credited stays. */
export const deleteRuleRoute = defineApiRoute({
  method: 'delete',
  path: '/guilds/{guildId}/rules/{name}',
  access: 'manager',
  summary: 'Delete a rule (as /rules delete; its credits stay)',
  request: { params: nameParams },
  response: z.object({ ok: z.literal(true) }),
  handler: async (ctx, { params }) => {
    const rule = await service(() => ruleByName(ctx.db, ctx.guild, params.name));
    await new GuildRules(ctx.db, ctx.guild).delete(ctx.user.id, rule.rule.name);
    forgetEngine(ctx.guild);
    return { ok: true as const };
  },
});

/** `POST /rules/presets/{preset}`: its currency, levels and rule, as `/rules preset`. */
export const applyPresetRoute = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/rules/presets/{preset}',
  access: 'manager',
  summary: 'Apply a preset: its currency (created if missing) and its rule (as /rules preset)',
  request: { params: z.object({ preset: z.enum(Object.keys(PRESETS) as [PresetName, ...PresetName[]]) }) },
  response: storedSchema,
  handler: async (ctx, { params }) => toStored(await service(() => applyPreset(ctx.db, ctx.guild, ctx.user.id, params.preset))),
});

const days = z.number().int().min(1).max(90).default(7);

/** A dry run's report, per member (sorted by what they would get, most first). */
const reportSchema = z.object({
  rule: z.string(),
  since: z.number(),
  until: z.number(),
  events: z.number().int(),
  rowsRead: z.number().int(),
  fired: z.number().int(),
  refused: z.record(z.string(), z.number().int()),
  members: z.array(z.object({ userId: z.string(), credits: z.record(z.string(), z.number()), refused: z.record(z.string(), z.number().int()) })),
  /** Currency id → name, for the currencies the report names. */
  currencies: z.record(z.string(), z.string()),
});

/** The report as JSON (Maps to objects), members with the most credited first. */
export function reportJson(report: DryRunReport, names: Map<string, string>): z.input<typeof reportSchema> {
  const total = (credits: Record<string, number>) => Object.values(credits).reduce((a, b) => a + b, 0);
  const users = new Set([...report.members.keys(), ...report.refusedBy.keys()]);
  const members = [...users]
    .map((userId) => ({ userId, credits: report.members.get(userId) ?? {}, refused: Object.fromEntries(report.refusedBy.get(userId) ?? []) }))
    .sort((a, b) => total(b.credits) - total(a.credits) || a.userId.localeCompare(b.userId));
  const used = new Set(members.flatMap((m) => Object.keys(m.credits)));
  return {
    rule: report.rule,
    since: report.since,
    until: report.until,
    events: report.events,
    rowsRead: report.rowsRead,
    fired: report.fired,
    refused: Object.fromEntries(report.refused),
    members,
    currencies: Object.fromEntries([...used].map((id) => [id, names.get(id) ?? id])),
  };
}

async function currencyNames(ctx: ApiContext): Promise<Map<string, string>> {
  return new Map((await listCurrencies(ctx.db, ctx.guild)).map((c) => [c.id, c.name]));
}

/**
 * `POST /rules/dry-run`: `{ name?, rule?, days }`. A saved rule (`name`), or a new or changed
 * definition (`rule`; evaluated under the saved rule's id when it has that name, so amounts
 * match a real run). Reads the lake only: nothing is written.
 */
export const dryRunRoute = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/rules/dry-run',
  access: 'manager',
  summary: 'Replay a rule (saved, or a definition) against the last days of events; per member what it would credit and why it refused. Writes nothing.',
  request: {
    body: z
      .object({ name: nameParams.shape.name.optional(), rule: ruleSchema.optional(), days })
      .refine((b) => b.name !== undefined || b.rule !== undefined, { message: 'Give a rule name or a rule definition.', path: ['rule'] }),
  },
  response: reportSchema,
  handler: async (ctx, { body }) => {
    const existing = await new GuildRules(ctx.db, ctx.guild).byName(body.rule?.name ?? body.name!);
    if (!existing && !body.rule) throw new ApiError(404, 'unknown_rule', `There is no rule ${body.name}.`);
    const definition = body.rule ? await service(() => resolveCurrencies(ctx.db, ctx.guild, body.rule!), 'rule.') : existing!.rule;
    const rule: StoredRule = { id: existing?.id ?? `dry-${definition.name}`, guildId: ctx.guild, enabled: true, version: (existing?.version ?? 0) + 1, rule: definition };
    const report = await service(() => dryRun(ctx.db, ctx.guild, rule, body.days), 'rule.');
    return reportJson(report, await currencyNames(ctx));
  },
});

/** `POST /rules/{name}/recompute`: `{ days }`, as `/rules recompute` (corrections, audited, idempotent). */
export const recomputeRoute = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/rules/{name}/recompute',
  access: 'manager',
  summary: 'Apply the difference between a dry run of the rule and what it credited, as correction transactions (audited; a repeat finds nothing)',
  request: { params: nameParams, body: z.object({ days }) },
  response: z.object({
    corrections: z.array(z.object({ userId: z.string(), currencyId: z.string(), amount: z.number(), ok: z.boolean(), duplicate: z.boolean() })),
    moved: z.number().int(),
    refused: z.number().int(),
    net: z.number(),
  }),
  handler: async (ctx, { params, body }) => {
    const rule = await service(() => ruleByName(ctx.db, ctx.guild, params.name));
    const result = await service(() => recompute(ctx.db, ctx.guild, ctx.user.id, rule, body.days), '');
    const moved = result.corrections.filter((c) => c.ok && !c.duplicate);
    return { corrections: result.corrections, moved: moved.length, refused: result.corrections.filter((c) => !c.ok).length, net: moved.reduce((n, c) => n + c.amount, 0) };
  },
});

/** The rules engine's routes. */
export const rulesApi: AnyApiRoute[] = [listRulesRoute, getRuleRoute, createRuleRoute, replaceRuleRoute, enableRuleRoute, deleteRuleRoute, applyPresetRoute, dryRunRoute, recomputeRoute];
