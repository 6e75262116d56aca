import { z } from 'zod';
import { devicesFileSchema } from './devices.ts';
import type { ConfigKind } from './kinds.ts';
import { rulesFileSchema } from './rules.ts';
import { scenarioFileSchema } from './scenario.ts';
import { stepFormsSchema, stepItemSchema } from './steps/index.ts';
import { suiteFileSchema } from './suite.ts';

type JsonObject = Record<string, unknown>;

const STEP_REF = '#/definitions/step';

/** `${name}` written where a number, flag or fixed word is expected: substituted before validation. */
const PARAM_REF = {
  type: 'string',
  pattern: '^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$',
  description: 'a ${param} reference',
};

/** Lets every typed value inside the step schemas also be written as a `${param}` reference. */
function allowParamRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(allowParamRefs);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    // `properties` maps names to schemas; its keys are not schema keywords.
    out[k] =
      k === 'properties'
        ? Object.fromEntries(Object.entries(v as JsonObject).map(([n, s]) => [n, allowParamRefs(s)]))
        : allowParamRefs(v);
  }
  const typed =
    ['number', 'integer', 'boolean'].includes(String(out.type)) || 'enum' in out || 'const' in out;
  if (!typed) return out;
  const { description, default: dflt, ...rest } = out;
  return {
    anyOf: [rest, PARAM_REF],
    ...(description !== undefined ? { description } : {}),
    ...(dflt !== undefined ? { default: dflt } : {}),
  };
}

/** JSON Schema of one zod schema as yaml-language-server reads it (the input side: what people write). */
function toJson(schema: z.ZodType): JsonObject {
  return z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-7',
    unrepresentable: 'any',
    override: (ctx) => {
      // Steps parse through a dispatching transform; editors get the plain union of step forms instead.
      if (ctx.zodSchema === stepItemSchema) {
        for (const k of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as JsonObject)[k];
        (ctx.jsonSchema as JsonObject).$ref = STEP_REF;
      }
    },
  }) as JsonObject;
}

function scenarioJson(): JsonObject {
  const root = toJson(scenarioFileSchema);
  const step = toJson(stepFormsSchema());
  delete step.$schema;
  const stepDefs = (step.definitions ?? {}) as JsonObject;
  delete step.definitions;
  // The bare-step names are an enum too, but they are never parameters: keep that branch as is.
  const [bareNames, ...maps] = (step.anyOf ?? []) as unknown[];
  step.anyOf = [bareNames, ...maps.map(allowParamRefs)];
  root.definitions = { ...((root.definitions as JsonObject | undefined) ?? {}), ...stepDefs, step };
  return root;
}

/** The JSON Schema of each config kind, generated from the zod schemas (the single source of truth). */
export function buildJsonSchemas(): Record<ConfigKind, JsonObject> {
  return {
    devices: toJson(devicesFileSchema),
    scenario: scenarioJson(),
    suite: toJson(suiteFileSchema),
    rules: toJson(rulesFileSchema),
  };
}

/** File text as committed under scenarios/schemas/ (stable key order, trailing newline). */
export function jsonSchemaText(schema: JsonObject): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
