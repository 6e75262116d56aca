import type { Scheduler } from '../../src/agent/core/bridge.ts';
import type { AgentMessage, ApiMessage } from '../../src/agent/core/messages.ts';
import { emptyIdentity, type Identity } from '../../src/config/identity.ts';
import { registerFramework, startSimAgent, StandInBridge } from '../../src/sim/bridge/index.ts';

export const APP = 'com.example.shop';

export function identity(): Identity {
  return {
    ...emptyIdentity(),
    imei: ['867530912345671'],
    imsi: ['460001234567890'],
    androidId: '9774d56d682e549c',
    serial: 'R58M12ABCDE',
    wifiMac: 'a4:50:46:12:34:56',
    bssid: '11:22:33:44:55:66',
    ssid: 'HomeNet',
    location: { lat: 31.2304, lon: 121.4737 },
    contacts: [{ name: 'Canary Zhang', phone: '+8613800138000' }],
    clipboard: ['CANARY-CLIP-7f3a'],
    installedPackages: ['com.tencent.mm', 'com.eg.android.AlipayGphone', APP],
  };
}

/** Frames of Umeng's SDK reading the IMEI during Application.onCreate (innermost first). */
export const UMENG_FRAMES = [
  'com.umeng.commonsdk.statistics.idtracking.ImeiTracker.getImei(ImeiTracker.java:38)',
  'com.umeng.commonsdk.UMConfigure.init(UMConfigure.java:120)',
  `${APP}.App.onCreate(App.java:12)`,
  'android.app.Instrumentation.callApplicationOnCreate(Instrumentation.java:1190)',
];

export const APP_FRAMES = [
  `${APP}.MainActivity.onCreate(MainActivity.java:30)`,
  'android.app.Activity.performCreate(Activity.java:8000)',
];

export class ManualScheduler implements Scheduler {
  readonly tasks: { ms: number; fn: () => void; cancelled: boolean }[] = [];
  every(ms: number, fn: () => void): { cancel(): void } {
    const task = { ms, fn, cancelled: false };
    this.tasks.push(task);
    return { cancel: () => (task.cancelled = true) };
  }
  tick(): void {
    for (const t of this.tasks) if (!t.cancelled) t.fn();
  }
}

export interface SimHarness {
  bridge: StandInBridge;
  messages: AgentMessage[];
  api(): ApiMessage[];
  clock: { t: number };
  scheduler: ManualScheduler;
  agent: ReturnType<typeof startSimAgent>;
}

export function simAgent(
  params: Record<string, unknown> = {},
  setup?: (bridge: StandInBridge) => void,
): SimHarness {
  const bridge = new StandInBridge();
  const id = identity();
  registerFramework(bridge, () => id, { appPackage: APP });
  setup?.(bridge);
  const messages: AgentMessage[] = [];
  const clock = { t: 1000 };
  const scheduler = new ManualScheduler();
  const agent = startSimAgent({
    bridge,
    params: { appPackage: APP, ...params },
    now: () => clock.t,
    onMessage: (m) => messages.push(m as AgentMessage),
    scheduler,
  });
  return {
    bridge,
    messages,
    clock,
    scheduler,
    agent,
    api: () => messages.filter((m): m is ApiMessage => m.type === 'api'),
  };
}
