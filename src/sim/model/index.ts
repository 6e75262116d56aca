/** App models for the sim: format (schema.ts, README.md), parsing, runner, installation. */
export { MODEL_ASSET, parseModel } from './parse.ts';
export { modelSchema, type Action, type AppModel } from './schema.ts';
export { ModelRuntime } from './runner.ts';
export {
  installModelRuntime,
  loadModelFor,
  modelRuntimeFactory,
  onAppProcess,
  setSideModel,
} from './install.ts';
export type { AppProcessListener } from './install.ts';
export { FILTERS, renderTemplate, encodeBody } from './template.ts';
