/**
 * What `/config` and the dashboard both check before changing the platform configuration:
 * the channel purposes the features declare and the modules that may be turned off.
 */
import { UserError } from '../../core/errors';
import type { Registry } from '../../core/registry';

/** Every channel purpose the features declare: `purpose → description`. */
export function channelPurposes(registry: Registry): Map<string, string> {
  return new Map(registry.features.flatMap((f) => Object.entries(f.channels ?? {})));
}

/** The features `/config module` may turn on and off. */
export function toggleableModules(registry: Registry): string[] {
  return registry.features.filter((f) => f.toggleable !== false).map((f) => f.name);
}

/** Refuses a purpose no feature declares. */
export function assertPurpose(registry: Registry, purpose: string): void {
  const purposes = channelPurposes(registry);
  if (!purposes.has(purpose)) {
    throw new UserError('unknown_purpose', `Unknown channel purpose \`${purpose}\`. Known: ${[...purposes.keys()].map((p) => `\`${p}\``).join(', ')}.`);
  }
}

/** Refuses a module that does not exist or may not be turned off. */
export function assertModule(registry: Registry, name: string): void {
  const modules = toggleableModules(registry);
  if (!modules.includes(name)) {
    throw new UserError('unknown_module', `Unknown module \`${name}\`. Modules: ${modules.map((m) => `\`${m}\``).join(', ')}.`);
  }
}
