/**
 * Request validation: runs discord-api-spec's zod-mini schemas, converts their issues into
 * Discord-style field errors, and adds the checks the OpenAPI spec does not express (Discord's
 * documented message limits, component layout rules, command naming rules…).
 *
 * Portable: no Node APIs.
 */
import type { ZodMiniType } from 'zod/mini';
import type { $ZodIssue } from 'zod/v4/core';
import type { FlatIssue } from './errors.ts';

/** Validates a (parsed) body and returns issues; empty means valid. */
export type BodyCheck = (body: unknown) => FlatIssue[];

/** Discord's message limits (https://discord.com/developers/docs/resources/message#create-message). */
export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  embedTotal: 6000,
  actionRows: 5,
  componentsV2Total: 40,
  customId: 100,
  auditLogReason: 512,
  nick: 32,
  maxTimeoutMs: 28 * 86400_000,
  bulkDeleteMaxAgeMs: 14 * 86400_000,
} as const;

const IS_COMPONENTS_V2 = 1 << 15;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (Array.isArray(node) && typeof key === 'number') node = node[key];
    else if (isRecord(node) && typeof key === 'string') node = node[key];
    else return undefined;
  }
  return node;
}

function joinPath(prefix: readonly PropertyKey[], path: readonly PropertyKey[]): string {
  return [...prefix, ...path].map(String).join('.');
}

function describe(issue: $ZodIssue, input: unknown): { code: string; message: string } {
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'array'
        ? { code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${String(issue.maximum)} or fewer in length.` }
        : issue.origin === 'string'
          ? { code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${String(issue.maximum)} or fewer in length.` }
          : { code: 'NUMBER_TYPE_MAX', message: `int value should be less than or equal to ${String(issue.maximum)}.` };
    case 'too_small':
      return issue.origin === 'array' || issue.origin === 'string'
        ? { code: 'BASE_TYPE_MIN_LENGTH', message: `Must be ${String(issue.minimum)} or more in length.` }
        : { code: 'NUMBER_TYPE_MIN', message: `int value should be greater than or equal to ${String(issue.minimum)}.` };
    case 'invalid_type':
      return input === undefined
        ? { code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }
        : { code: 'BASE_TYPE_INVALID', message: `Expected ${issue.expected}, got ${JSON.stringify(input) ?? typeof input}.` };
    case 'invalid_value':
      return { code: 'BASE_TYPE_CHOICES', message: `Value must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.` };
    case 'invalid_format':
      return issue.format === 'url'
        ? { code: 'URL_TYPE_INVALID_URL', message: 'Not a well formed URL.' }
        : issue.format === 'regex'
          ? { code: 'BASE_TYPE_INVALID', message: `Value ${JSON.stringify(input)} is not snowflake.` }
          : { code: 'BASE_TYPE_INVALID', message: `Invalid ${issue.format}.` };
    default:
      return { code: 'BASE_TYPE_INVALID', message: `Invalid value (${issue.code}).` };
  }
}

/** True when a union branch's issues say the branch's `type` discriminator did not match. */
function typeMismatch(branch: readonly $ZodIssue[]): boolean {
  return branch.some((i) => i.path.length === 1 && i.path[0] === 'type' && (i.code === 'invalid_value' || i.code === 'invalid_type'));
}

function flatten(issues: readonly $ZodIssue[], root: unknown, prefix: readonly PropertyKey[], out: FlatIssue[]): void {
  for (const issue of issues) {
    const here = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union') {
      // Report the branch the value was meant to be (its `type` matched) with the fewest issues.
      const candidates = issue.errors.filter((b) => !typeMismatch(b) && b.length > 0);
      const best = candidates.sort((a, b) => a.length - b.length)[0];
      if (best) {
        flatten(best, root, here, out);
      } else {
        const value = valueAt(root, here);
        const type = isRecord(value) ? value.type : undefined;
        out.push({
          path: joinPath([], here),
          code: 'UNION_TYPE_CHOICES',
          message: type !== undefined ? `Value of type ${JSON.stringify(type)} is not allowed here.` : 'Value does not match any allowed type.',
        });
      }
      continue;
    }
    const d = describe(issue, valueAt(root, here));
    out.push({ path: joinPath([], here), ...d });
  }
}

/** Validate `value` with a discord-api-spec schema; issue paths are prefixed with `prefix`. */
export function specIssues(schema: ZodMiniType, value: unknown, prefix: readonly PropertyKey[] = []): FlatIssue[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  const out: FlatIssue[] = [];
  flatten(result.error.issues, value, prefix, out);
  return out;
}

/** Top-level keys of `value` the object schema does not declare (Discord ignores them silently — usually a bug). */
export function unknownKeys(schema: ZodMiniType, value: unknown, prefix = ''): FlatIssue[] {
  const def = schema._zod.def;
  if (def.type !== 'object' || !isRecord(value)) return [];
  const shape = (def as { shape?: Record<string, unknown> }).shape ?? {};
  return Object.keys(value)
    .filter((k) => !(k in shape))
    .map((k) => ({ path: prefix ? `${prefix}.${k}` : k, code: 'UNKNOWN_FIELD', message: `Unknown field "${k}" (Discord ignores it; probably a mistake).` }));
}

function strLen(value: unknown): number {
  return typeof value === 'string' ? value.length : 0;
}

/** Discord's embed limits, including the 6000-character total per message. */
export function embedIssues(embeds: unknown, prefix: string): FlatIssue[] {
  if (!Array.isArray(embeds)) return [];
  const out: FlatIssue[] = [];
  if (embeds.length > LIMITS.embeds) out.push({ path: prefix, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.embeds} or fewer in length.` });
  let total = 0;
  embeds.forEach((embed: unknown, i) => {
    if (!isRecord(embed)) return;
    const p = `${prefix}.${i}`;
    total += strLen(embed.title) + strLen(embed.description);
    if (strLen(embed.title) > LIMITS.embedTitle) out.push({ path: `${p}.title`, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.embedTitle} or fewer in length.` });
    if (strLen(embed.description) > LIMITS.embedDescription) out.push({ path: `${p}.description`, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.embedDescription} or fewer in length.` });
    if (isRecord(embed.footer)) total += strLen(embed.footer.text);
    if (isRecord(embed.author)) total += strLen(embed.author.name);
    if (Array.isArray(embed.fields)) {
      if (embed.fields.length > LIMITS.embedFields) out.push({ path: `${p}.fields`, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.embedFields} or fewer in length.` });
      embed.fields.forEach((field: unknown, j) => {
        if (!isRecord(field)) return;
        total += strLen(field.name) + strLen(field.value);
        const fp = `${p}.fields.${j}`;
        if (strLen(field.name) > LIMITS.fieldName) out.push({ path: `${fp}.name`, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.fieldName} or fewer in length.` });
        if (strLen(field.value) > LIMITS.fieldValue) out.push({ path: `${fp}.value`, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.fieldValue} or fewer in length.` });
        if (typeof field.name === 'string' && field.name.trim() === '') out.push({ path: `${fp}.name`, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
        if (typeof field.value === 'string' && field.value.trim() === '') out.push({ path: `${fp}.value`, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
      });
    }
  });
  if (total > LIMITS.embedTotal) out.push({ path: prefix, code: 'MAX_EMBED_SIZE_EXCEEDED', message: `Embed size exceeds maximum size of ${LIMITS.embedTotal} (got ${total}).` });
  return out;
}

function walkComponents(components: readonly unknown[], path: string, visit: (c: Record<string, unknown>, path: string) => void): void {
  components.forEach((c, i) => {
    if (!isRecord(c)) return;
    const p = `${path}.${i}`;
    visit(c, p);
    if (Array.isArray(c.components)) walkComponents(c.components, `${p}.components`, visit);
    if (isRecord(c.component)) walkComponents([c.component], `${p}.component`, visit);
    if (isRecord(c.accessory)) walkComponents([c.accessory], `${p}.accessory`, visit);
  });
}

/** Component layout rules: ≤5 action rows (classic), select alone in its row, button fields, unique custom_ids. */
export function componentIssues(components: unknown, flags: unknown, prefix: string): FlatIssue[] {
  if (!Array.isArray(components)) return [];
  const out: FlatIssue[] = [];
  const v2 = typeof flags === 'number' && (flags & IS_COMPONENTS_V2) !== 0;
  if (!v2) {
    if (components.length > LIMITS.actionRows) out.push({ path: prefix, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.actionRows} or fewer in length.` });
    components.forEach((row: unknown, i) => {
      if (isRecord(row) && row.type !== 1) {
        out.push({ path: `${prefix}.${i}.type`, code: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', message: 'Top-level components must be action rows unless the IS_COMPONENTS_V2 flag is set.' });
      }
    });
  }
  const seen = new Map<string, string>();
  walkComponents(components, prefix, (c, p) => {
    if (c.type === 1 && Array.isArray(c.components)) {
      const selects = c.components.filter((x: unknown) => isRecord(x) && typeof x.type === 'number' && [3, 5, 6, 7, 8].includes(x.type));
      if (selects.length > 0 && c.components.length > 1) {
        out.push({ path: `${p}.components`, code: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', message: 'A select menu must be the only component in its action row.' });
      }
    }
    if (c.type === 2) {
      const style = c.style;
      if (style === 5) {
        if (typeof c.url !== 'string') out.push({ path: `${p}.url`, code: 'BASE_TYPE_REQUIRED', message: 'Link buttons require a url.' });
        if (c.custom_id !== undefined && c.custom_id !== null) out.push({ path: `${p}.custom_id`, code: 'COMPONENT_INVALID_FIELD', message: 'Link buttons cannot have a custom_id.' });
      } else if (style === 6) {
        if (typeof c.sku_id !== 'string') out.push({ path: `${p}.sku_id`, code: 'BASE_TYPE_REQUIRED', message: 'Premium buttons require a sku_id.' });
      } else if (typeof c.custom_id !== 'string') {
        out.push({ path: `${p}.custom_id`, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
      }
    }
    if (typeof c.custom_id === 'string') {
      if (c.custom_id.length > LIMITS.customId) out.push({ path: `${p}.custom_id`, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.customId} or fewer in length.` });
      const first = seen.get(c.custom_id);
      if (first) out.push({ path: `${p}.custom_id`, code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: `Component custom id "${c.custom_id}" is duplicated (first at ${first}).` });
      else seen.set(c.custom_id, p);
    }
  });
  return out;
}

/** Options for {@link messageIssues}. */
export interface MessageCheckOptions {
  /** The message must not be empty (create, not edit). */
  requireContent: boolean;
  /** Whether multipart files accompany the body (they count as content). */
  hasFiles: boolean;
  /** Path prefix (e.g. `data` for interaction callbacks). */
  prefix?: string;
}

/** Stricter message checks on top of the spec: content ≤2000, embed limits, components, non-empty. */
export function messageIssues(body: unknown, o: MessageCheckOptions): FlatIssue[] {
  if (!isRecord(body)) return o.requireContent && !o.hasFiles ? [{ path: o.prefix ?? '', code: 'MESSAGE_EMPTY', message: 'Cannot send an empty message' }] : [];
  const at = (k: string): string => (o.prefix ? `${o.prefix}.${k}` : k);
  const out: FlatIssue[] = [];
  if (typeof body.content === 'string' && body.content.length > LIMITS.content) {
    out.push({ path: at('content'), code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.content} or fewer in length.` });
  }
  out.push(...embedIssues(body.embeds, at('embeds')));
  out.push(...componentIssues(body.components, body.flags, at('components')));
  const v2 = typeof body.flags === 'number' && (body.flags & IS_COMPONENTS_V2) !== 0;
  if (v2 && ((typeof body.content === 'string' && body.content !== '') || (Array.isArray(body.embeds) && body.embeds.length > 0))) {
    out.push({ path: at('content'), code: 'MESSAGE_CONTENT_NOT_ALLOWED', message: 'content and embeds cannot be used with the IS_COMPONENTS_V2 flag.' });
  }
  if (o.requireContent) {
    const nonEmpty =
      (typeof body.content === 'string' && body.content.trim() !== '') ||
      (Array.isArray(body.embeds) && body.embeds.length > 0) ||
      (Array.isArray(body.components) && body.components.length > 0) ||
      (Array.isArray(body.sticker_ids) && body.sticker_ids.length > 0) ||
      isRecord(body.poll) ||
      o.hasFiles;
    if (!nonEmpty) out.push({ path: o.prefix ?? '', code: 'MESSAGE_EMPTY', message: 'Cannot send an empty message' });
  }
  return out;
}

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** Discord's application-command rules the spec does not express (names, descriptions, option order). */
export function commandIssues(cmd: unknown, prefix: string): FlatIssue[] {
  if (!isRecord(cmd)) return [];
  const out: FlatIssue[] = [];
  const type = cmd.type ?? 1;
  const name = typeof cmd.name === 'string' ? cmd.name : '';
  if (type === 1) {
    if (!COMMAND_NAME.test(name) || name !== name.toLowerCase()) {
      out.push({ path: `${prefix}.name`, code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid (lowercase letters, digits, - _ \' only).' });
    }
    if (typeof cmd.description !== 'string' || cmd.description.length < 1) {
      out.push({ path: `${prefix}.description`, code: 'BASE_TYPE_REQUIRED', message: 'Chat input commands need a description (1-100 characters).' });
    }
  } else if (typeof cmd.description === 'string' && cmd.description !== '') {
    out.push({ path: `${prefix}.description`, code: 'APPLICATION_COMMAND_INVALID_DESCRIPTION', message: 'User and message commands must not have a description.' });
  }
  const checkOptions = (options: unknown, p: string): void => {
    if (!Array.isArray(options)) return;
    let sawOptional = false;
    const names = new Set<string>();
    options.forEach((opt: unknown, i) => {
      if (!isRecord(opt)) return;
      const op = `${p}.${i}`;
      const optName = typeof opt.name === 'string' ? opt.name : '';
      if (!COMMAND_NAME.test(optName) || optName !== optName.toLowerCase()) {
        out.push({ path: `${op}.name`, code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Option name is invalid (lowercase letters, digits, - _ \' only).' });
      }
      if (names.has(optName)) out.push({ path: `${op}.name`, code: 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS', message: `Duplicate option name "${optName}".` });
      names.add(optName);
      if (opt.type === 1 || opt.type === 2) {
        checkOptions(opt.options, `${op}.options`);
        return;
      }
      if (opt.required === true && sawOptional) {
        out.push({ path: `${op}.required`, code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', message: 'Required options must be placed before non-required options.' });
      }
      if (opt.required !== true) sawOptional = true;
    });
  };
  checkOptions(cmd.options, `${prefix}.options`);
  return out;
}

/**
 * Normalise values Discord accepts in a different JSON type than the spec declares, so the spec
 * schema does not raise false violations. Returns a copy.
 * - `default_member_permissions`: Discord (and discord-api-types) use a decimal string; the spec says number.
 * - `attachments[].id`: libraries send the file index as a number; the spec says snowflake string.
 */
export function normaliseForSpec(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(normaliseForSpec);
  if (!isRecord(body)) return body;
  const copy: Record<string, unknown> = { ...body };
  if (typeof copy.default_member_permissions === 'string' && /^\d+$/.test(copy.default_member_permissions)) {
    copy.default_member_permissions = Number(copy.default_member_permissions);
  }
  if (Array.isArray(copy.attachments)) {
    copy.attachments = copy.attachments.map((a: unknown) => (isRecord(a) && typeof a.id === 'number' ? { ...a, id: String(a.id) } : a));
  }
  if (isRecord(copy.data)) copy.data = normaliseForSpec(copy.data);
  return copy;
}
