import type { InstalledPackage } from './packages.ts';
import type { SimDevice } from './device.ts';

/**
 * Where app behaviour plugs into the sim. The device calls these when Android would call into the
 * app; part 2's model runner (assets/appwarden-sim.yaml) implements them. With no runtime an app
 * launches to its activity and does nothing else.
 */
export interface AppRuntime {
  /** The process started and its launch activity is resumed. */
  onLaunch(activity: string): void | Promise<void>;
  /** `am force-stop`, uninstall or `pm clear` killed the process. */
  onForceStop(): void;
  /** The user (or `pm grant/revoke`) answered a runtime permission. */
  onPermissionResult(permission: string, granted: boolean): void;
  /** Another app or the launcher came to the front. */
  onBackground(): void;
  /** The app came back to the front. */
  onForeground(): void;
  /** A shake with the given peak acceleration (m/s²), e.g. from a scenario's shake step. */
  onShake(peak: number): void;
  /** A tap or key the user made while the app was in front (coordinates in screen pixels). */
  onInput(event: InputEvent): void;
}

export type InputEvent =
  | { kind: 'tap'; x: number; y: number }
  | { kind: 'swipe'; x1: number; y1: number; x2: number; y2: number; durationMs: number }
  | { kind: 'text'; text: string }
  | { kind: 'key'; code: number; name: string };

/** Makes the runtime for an installed package, or returns undefined for an app without behaviour. */
export type AppRuntimeFactory = (pkg: InstalledPackage, device: SimDevice) => AppRuntime | undefined;
