import type { SimDevice } from '../device/device.ts';
import type { InstalledPackage } from '../device/packages.ts';
import type { AppRuntime, AppRuntimeFactory } from '../device/runtime.ts';
import { MODEL_ASSET, parseModel } from './parse.ts';
import { ModelRuntime } from './runner.ts';
import type { AppModel } from './schema.ts';

/**
 * Connects app models to a sim. Choice for a broken model: `pm install` succeeds (Android does not
 * read app assets at install time either) and the app crashes at launch with the positioned parse
 * error in logcat (`AndroidRuntime: FATAL EXCEPTION … file:line:col where: what`).
 */
export type AppProcessListener = (info: { pkg: string; runtime: ModelRuntime }) => void;

const listeners = new WeakMap<SimDevice, Set<AppProcessListener>>();
/** Models named beside APKs that carry none (device config `models:`), by package. */
const sideModels = new WeakMap<SimDevice, Map<string, string>>();

/**
 * Called when an app process starts with a model, before any model code runs — where a host-side
 * agent attaches the hook core to `runtime.bridge` (the sim's equivalent of Frida's spawn gating).
 */
export function onAppProcess(device: SimDevice, listener: AppProcessListener): () => void {
  const set = listeners.get(device) ?? new Set();
  set.add(listener);
  listeners.set(device, set);
  return () => set.delete(listener);
}

/** Gives a package without `assets/appwarden-sim.yaml` a model (YAML text), e.g. from the device config. */
export function setSideModel(device: SimDevice, pkg: string, yaml: string): void {
  const map = sideModels.get(device) ?? new Map<string, string>();
  map.set(pkg, yaml);
  sideModels.set(device, map);
}

/** An app whose model does not load: it dies at launch with the reason, as a crashing app does. */
class CrashingRuntime implements AppRuntime {
  constructor(private readonly error: Error) {}
  // Rejects (never throws synchronously) so the device reports it as a crash of the app's main thread.
  async onLaunch(): Promise<never> {
    throw this.error;
  }
  onForceStop(): void {}
  onPermissionResult(): void {}
  onBackground(): void {}
  onForeground(): void {}
  onShake(): void {}
  onInput(): void {}
}

export function loadModelFor(pkg: InstalledPackage, device: SimDevice): AppModel | undefined {
  // A model named in the device config wins over the one in the APK: the user chose it for this run.
  const text = sideModels.get(device)?.get(pkg.name) ?? pkg.model;
  if (text === undefined || text === null) return undefined;
  const model = parseModel(text, `${pkg.name}.apk!/${MODEL_ASSET}`);
  if (model.app !== pkg.name)
    throw new Error(
      `Failed to load the app model of ${pkg.name}: it describes '${model.app}'. Set 'app: ${pkg.name}' in ${MODEL_ASSET}.`,
    );
  return model;
}

export const modelRuntimeFactory: AppRuntimeFactory = (pkg, device) => {
  let model: AppModel | undefined;
  try {
    model = loadModelFor(pkg, device);
  } catch (err) {
    return new CrashingRuntime(err as Error);
  }
  if (!model) return undefined;
  const runtime = new ModelRuntime(pkg, device, model);
  for (const l of listeners.get(device) ?? []) {
    try {
      l({ pkg: pkg.name, runtime });
    } catch (err) {
      device.writeLog('W', 'appwarden', `app process listener failed: ${(err as Error).message}`);
    }
  }
  return runtime;
};

/** Installs the model runner on a sim (startSim does this). */
export function installModelRuntime(device: SimDevice): void {
  device.setRuntimeFactory(modelRuntimeFactory);
}
