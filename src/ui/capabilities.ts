import { createServer } from 'node:net';
import type { DeviceKind } from '../evidence/types.ts';
import { childLog } from '../log.ts';

const log = childLog({ part: 'ui-capabilities' });

/**
 * Host ports for the UiAutomator2 server of each device (`appium:systemPort`: the host end of
 * `adb forward tcp:<port> tcp:6790`). appium-uiautomator2-driver picks one itself from this range when
 * none is given, under a lock file — but its own docs (guides/parallel-tests) ask for a unique
 * systemPort per parallel session, and the lock only guards one driver process. Source of the range:
 * appium-uiautomator2-driver lib/uiautomator2-server/session.js DEVICE_PORT_RANGE.
 */
export const SYSTEM_PORT_RANGE: readonly [number, number] = [8200, 8299];

/** What one device's session gets from the pool. */
export interface Uia2Lease {
  systemPort: number;
  /** A session on this device already installed the UiAutomator2 server in this process. */
  serverInstalled: boolean;
}

/** True when nothing listens on 127.0.0.1:port (another tool's forward, another appwarden). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const srv = createServer();
    srv.once('error', () => done(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => done(true)));
  });
}

/**
 * One systemPort per device serial while its session runs (released when it closes), and which
 * devices already have the server installed (so later sessions set `appium:skipServerInstallation`).
 */
export class SystemPorts {
  readonly #held = new Map<string, number>();
  readonly #installed = new Set<string>();
  /** Serialises acquisitions, so two sessions starting together never check the same port. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly range: readonly [number, number] = SYSTEM_PORT_RANGE,
    private readonly isFree: (port: number) => Promise<boolean> = portIsFree,
  ) {}

  acquire(serial: string): Promise<Uia2Lease> {
    const next = this.#queue.then(() => this.#acquire(serial));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #acquire(serial: string): Promise<Uia2Lease> {
    const serverInstalled = this.#installed.has(serial);
    const mine = this.#held.get(serial);
    if (mine !== undefined) return { systemPort: mine, serverInstalled };
    const taken = new Set(this.#held.values());
    for (let port = this.range[0]; port <= this.range[1]; port++) {
      if (taken.has(port)) continue;
      if (!(await this.isFree(port))) {
        log.debug({ port }, 'systemPort in use on 127.0.0.1; trying the next');
        continue;
      }
      this.#held.set(serial, port);
      return { systemPort: port, serverInstalled };
    }
    throw new Error(
      `Failed to allocate a UiAutomator2 systemPort for ${serial}: every port in ${this.range[0]}–${this.range[1]} is held or in use on 127.0.0.1. Close other Appium sessions or stale adb forwards (adb forward --list).`,
    );
  }

  /** The session on `serial` opened: its server is on the device from now on. */
  installed(serial: string): void {
    this.#installed.add(serial);
  }

  release(serial: string): void {
    this.#held.delete(serial);
  }

  held(): ReadonlyMap<string, number> {
    return this.#held;
  }
}

/** The process's pool: every UiAutomator2 session of this appwarden process takes its port here. */
export const UIA2_PORTS = new SystemPorts();

/**
 * Capabilities per device kind: the appwarden sim driver for sims (udid = the sim's 127.0.0.1:PORT
 * serial, src/sim/appium/caps.ts), UiAutomator2 for devices and emulators (capability names from
 * appium-uiautomator2-driver docs/reference/capabilities). No app is started by the session: the
 * journey's launchApp does that, so LAUNCH is marked at the real moment, and nothing is reset.
 */
export function capabilitiesFor(kind: DeviceKind, serial: string, uia2?: Uia2Lease): Record<string, unknown> {
  const common = { platformName: 'Android', 'appium:udid': serial, 'appium:noReset': true };
  if (kind === 'sim') return { ...common, 'appium:automationName': 'AppwardenSim' };
  return {
    ...common,
    'appium:automationName': 'UiAutomator2',
    // Prompts are the journey's to answer and record (the permission watcher), never Appium's.
    'appium:autoGrantPermissions': false,
    // Observation steps wait minutes without a command.
    'appium:newCommandTimeout': 600,
    // A loaded host and a cold device start the server slowly (defaults: 30 s and 20 s).
    'appium:uiautomator2ServerLaunchTimeout': 120_000,
    'appium:adbExecTimeout': 60_000,
    // Page source as the rules read it: every node, not only the "important" ones.
    'appium:settings[ignoreUnimportantViews]': false,
    ...(uia2
      ? {
          'appium:systemPort': uia2.systemPort,
          ...(uia2.serverInstalled ? { 'appium:skipServerInstallation': true } : {}),
        }
      : {}),
  };
}
