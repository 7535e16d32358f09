/**
 * `GuildRules`: one guild's rules. Every change is one batch with its `audit_log` row
 * (`GuildConfig.audited`), bumps the rule's version, and drops the isolate's cached copy.
 * Names are unique per guild by index.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { GuildConfig } from '../../core/guild-config.repo';
import { UserError } from '../../core/errors';
import type { Db } from '../../db/client';
import { isUniqueViolation } from '../../db/errors';
import type { Rule, StoredRule } from './rule-format';
import { rules, type RuleRow } from './schema';

/** How long an isolate reuses a guild's rules (the live path reads them once per batch). */
export const RULES_TTL_MS = 2000;

const cache = new Map<string, { at: number; value: Promise<StoredRule[]> }>();

/** Drops the isolate's copy of a guild's rules (after a change). */
export function forgetRules(guildId: string): void {
  cache.delete(guildId);
}

export function toStored(row: RuleRow): StoredRule {
  return { id: row.id, guildId: row.guildId, enabled: row.enabled, version: row.version, rule: row.definition };
}

function newRuleId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return `r${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export class GuildRules {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** Every rule of the guild, by name. */
  async list(): Promise<StoredRule[]> {
    const rows = await this.db.select().from(rules).where(eq(rules.guildId, this.guildId)).orderBy(asc(rules.name));
    return rows.map(toStored);
  }

  /** The rules, cached per isolate for {@link RULES_TTL_MS} (the live path). */
  cached(now = Date.now()): Promise<StoredRule[]> {
    const hit = cache.get(this.guildId);
    if (hit && now - hit.at < RULES_TTL_MS) return hit.value;
    const value = this.list();
    cache.set(this.guildId, { at: now, value });
    value.catch(() => cache.delete(this.guildId));
    return value;
  }

  async byName(name: string): Promise<StoredRule | undefined> {
    const [row] = await this.db.select().from(rules).where(and(eq(rules.guildId, this.guildId), eq(rules.name, name)));
    return row && toStored(row);
  }

  /** Creates a rule (or replaces the definition of the rule with its name when `replace`). */
  async save(actorId: string, rule: Rule, replace: boolean): Promise<StoredRule> {
    const config = new GuildConfig(this.db, this.guildId);
    const existing = await this.byName(rule.name);
    const now = Date.now();
    if (existing) {
      if (!replace) throw new UserError('rule_exists', `A rule named \`${rule.name}\` exists. Use \`replace: true\` to change it.`);
      const change = this.db
        .update(rules)
        .set({ definition: rule, version: sql`${rules.version} + 1`, updatedAt: now })
        .where(and(eq(rules.id, existing.id), eq(rules.version, existing.version)));
      await config.audited(actorId, `rules.update.${rule.name}`, existing.rule, rule, change);
      forgetRules(this.guildId);
      return { ...existing, rule, version: existing.version + 1 };
    }
    const id = newRuleId();
    try {
      await config.audited(actorId, `rules.create.${rule.name}`, null, rule, this.db.insert(rules).values({ id, guildId: this.guildId, name: rule.name, definition: rule, createdBy: actorId, createdAt: now, updatedAt: now }));
    } catch (error) {
      if (isUniqueViolation(error, 'rules')) throw new UserError('rule_exists', `A rule named \`${rule.name}\` exists.`);
      throw error;
    }
    forgetRules(this.guildId);
    return { id, guildId: this.guildId, enabled: true, version: 1, rule };
  }

  async setEnabled(actorId: string, name: string, enabled: boolean): Promise<StoredRule> {
    const existing = await this.byName(name);
    if (!existing) throw new UserError('unknown_rule', `No rule named \`${name}\`.`);
    await new GuildConfig(this.db, this.guildId).audited(
      actorId,
      `rules.${enabled ? 'enable' : 'disable'}.${name}`,
      existing.enabled,
      enabled,
      this.db.update(rules).set({ enabled, version: sql`${rules.version} + 1`, updatedAt: Date.now() }).where(eq(rules.id, existing.id)),
    );
    forgetRules(this.guildId);
    return { ...existing, enabled, version: existing.version + 1 };
  }

  async delete(actorId: string, name: string): Promise<void> {
    const existing = await this.byName(name);
    if (!existing) throw new UserError('unknown_rule', `No rule named \`${name}\`.`);
    await new GuildConfig(this.db, this.guildId).audited(actorId, `rules.delete.${name}`, existing.rule, null, this.db.delete(rules).where(eq(rules.id, existing.id)));
    forgetRules(this.guildId);
  }
}
