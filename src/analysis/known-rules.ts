import { RULES } from './rules/index.ts';
import type { Rule } from './rules/types.ts';

/**
 * Each rule id with the names of its parameters (the keys of its defaults), for config checks that
 * must place an unknown rule id or parameter on its `file:line:col` (src/config/rules.ts). A `…Ms`
 * parameter may also be written in seconds without the suffix (`minDwell: 10`), as the engine
 * accepts it (normaliseParams in engine.ts).
 */
export function knownRuleParams(registry: readonly Rule[] = RULES): Record<string, string[]> {
  return Object.fromEntries(
    registry.map((r) => {
      const names = Object.keys((r.params.parse({}) ?? {}) as Record<string, unknown>);
      const seconds = names.filter((n) => n.endsWith('Ms')).map((n) => n.slice(0, -2));
      return [r.id, [...names, ...seconds].sort()];
    }),
  );
}
