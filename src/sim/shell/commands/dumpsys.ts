import { createHash } from 'node:crypto';
import type { Activity, SimDevice } from '../../device/device.ts';
import { shortComponent } from '../../device/packages.ts';
import type { CommandContext, ShellCommand } from '../types.ts';
import { dumpPackage } from './dumpsys-package.ts';

/**
 * `dumpsys` services in Android 10's output shapes: the lines real parsers match (Appium's
 * `mCurrentFocus`/`mFocusedApp`, farms' `mResumedActivity`, `mWifiInfo`, `runtime permissions:`).
 */

function objId(label: string): string {
  return createHash('sha1').update(label).digest('hex').slice(0, 7);
}

function record(a: Activity): string {
  return `ActivityRecord{${objId(`${a.pkg}/${a.activity}`)} u0 ${shortComponent(a.pkg, a.activity)} t${a.taskId}}`;
}

function windowName(a: Activity): string {
  return `Window{${objId(`w${a.pkg}`)} u0 ${a.pkg}/${a.activity}}`;
}

function activities(device: SimDevice): string {
  const stack = device.activityStack();
  const top = device.foreground();
  const out = [
    'ACTIVITY MANAGER ACTIVITIES (dumpsys activity activities)',
    'Display #0 (activities from top to bottom):',
    '',
  ];
  for (const a of stack.length ? stack : [top]) {
    out.push(
      `  Stack #${a.taskId}: type=${a.pkg === 'com.android.launcher3' ? 'home' : 'standard'} mode=fullscreen`,
      '  isSleeping=false',
      `    Task id #${a.taskId}`,
      `    * TaskRecord{${objId(`t${a.taskId}`)} #${a.taskId} A=${a.pkg} U=0 StackId=${a.taskId} sz=1}`,
      `      affinity=${a.pkg}`,
      `      realActivity=${shortComponent(a.pkg, a.activity)}`,
      '      Running activities (most recent first):',
      `        TaskRecord{${objId(`t${a.taskId}`)} #${a.taskId} A=${a.pkg} U=0 StackId=${a.taskId} sz=1}`,
      `          Run #0: ${record(a)}`,
      '',
    );
    if (a === top) out.push(`    mResumedActivity: ${record(a)}`, '');
  }
  out.push(` ResumedActivity: ${record(top)}`, `  topResumedActivity=${record(top)}`, '');
  return `${out.join('\n')}\n`;
}

function activityTop(device: SimDevice): string {
  const top = device.foreground();
  return `TASK ${top.pkg} id=${top.taskId} userId=0\n  ACTIVITY ${shortComponent(top.pkg, top.activity)} ${objId(`${top.pkg}/${top.activity}`)} pid=${device.pidOf(top.pkg) ?? 0}\n`;
}

function processes(device: SimDevice): string {
  return `ACTIVITY MANAGER RUNNING PROCESSES (dumpsys activity processes)\n${device
    .processList()
    .map((p) => `  *APP* UID ${p.uid} ProcessRecord{${objId(p.name)} ${p.pid}:${p.name}/${p.user}}`)
    .join('\n')}\n`;
}

function windows(device: SimDevice): string {
  const top = device.foreground();
  const { width, height, density } = device.screen;
  return [
    'WINDOW MANAGER WINDOWS (dumpsys window windows)',
    `  Window #0 ${windowName(top)}:`,
    `    mDisplayId=0 rootTaskId=${top.taskId} mSession=Session{${objId('s')} ${device.pidOf(top.pkg) ?? 0}:u0a10150} mClient=android.os.BinderProxy@${objId('c')}`,
    `    mOwnerUid=${device.packages.get(top.pkg)?.uid ?? 1000} mShowToOwnerOnly=true package=${top.pkg} appop=NONE`,
    '',
    `  mGlobalConfiguration={1.0 ?mcc?mnc [${device.identity.profile.locale.replace('-', '_')}] ldltr sw411dp w411dp h${Math.round((height / density) * 160)}dp ${density}dpi nrml long port finger -keyb/v/h -nav/h winConfig={ mBounds=Rect(0, 0 - ${width}, ${height}) }}`,
    `  mCurrentFocus=${windowName(top)}`,
    `  mFocusedApp=AppWindowToken{${objId(`a${top.pkg}`)} token=Token{${objId(`k${top.pkg}`)} ${record(top)}}}`,
    '  mInputMethodTarget=null',
    '  mInputMethodWindow=null',
    '  mShowingLockscreen=false mShowingDream=false mDreamingLockscreen=false',
    '  mScreenOnEarly=true mScreenOnFully=true',
    '  mAwake=true',
    `  Display: mDisplayId=0 init=${width}x${height} ${density}dpi cur=${width}x${height} app=${width}x${height}`,
    '',
  ].join('\n');
}

function wifi(device: SimDevice): string {
  const id = device.identity;
  return [
    'Wi-Fi is enabled',
    'Verbose logging is off',
    `mWifiInfo SSID: "${id.ssid}", BSSID: ${id.bssid}, MAC: ${id.wifiMac}, Supplicant state: COMPLETED, Wi-Fi standard: 5, RSSI: -52, Link speed: 433Mbps, Tx Link speed: 433Mbps, Rx Link speed: 390Mbps, Frequency: 5180MHz, Net ID: 0, Metered hint: false, score: 60`,
    `mDhcpResults IP address ${id.wifiIp}/24 Gateway ${id.wifiIp.replace(/\.\d+$/, '.1')}  DNS servers: [ ${id.wifiIp.replace(/\.\d+$/, '.1')} ] Domains  DHCP server /${id.wifiIp.replace(/\.\d+$/, '.1')} Vendor info null lease 86400 seconds`,
    '',
  ].join('\n');
}

function iphonesubinfo(device: SimDevice): string {
  const id = device.identity;
  return `Phone Subscriber Info:\n  Phone Type = GSM\n  Device ID = ${id.imei[0] ?? ''}\n`;
}

function location(device: SimDevice): string {
  const { lat, lon } = device.location;
  return `Location Manager State:\n  Last Known Locations:\n    gps: Location[gps ${lat.toFixed(6)},${lon.toFixed(6)} hAcc=12 et=+1h2m3s4ms alt=12.0 vel=0.0 bear=0.0 vAcc=3 sAcc=??? bAcc=???]\n`;
}

function packageDump(ctx: CommandContext, args: string[]): string {
  const name = args.find((a) => !a.startsWith('-'));
  if (!name)
    return ctx.device.packages
      .all()
      .map((p) => `Package [${p.name}] (${objId(p.name)}):\n`)
      .join('');
  const p = ctx.device.packages.get(name);
  return p ? dumpPackage(ctx.device, p) : '';
}

function accounts(device: SimDevice): string {
  const list = device.identity.accounts;
  return `User UserInfo{0:Owner:c13}:\n  Accounts: ${list.length}\n${list
    .map((a) => `    Account {name=${a.name}, type=${a.type}}\n`)
    .join('')}`;
}

function bluetooth(device: SimDevice): string {
  const id = device.identity;
  return `Bluetooth Status\n  enabled: true\n  state: ON\n  address: ${id.bluetoothMac.toUpperCase()}\n  name: ${device.settings.secure.get('bluetooth_name') ?? id.deviceName}\n`;
}

const SERVICES: Record<string, (ctx: CommandContext, args: string[]) => string> = {
  account: (ctx) => accounts(ctx.device),
  bluetooth_manager: (ctx) => bluetooth(ctx.device),
  activity: (ctx, args) => {
    const sub = args[0];
    if (sub === 'top') return activityTop(ctx.device);
    if (sub === 'processes' || sub === 'p') return processes(ctx.device);
    if (sub === 'activities' || sub === 'a' || sub === 'recents' || sub === undefined)
      return activities(ctx.device);
    return activities(ctx.device);
  },
  window: (ctx) => windows(ctx.device),
  package: packageDump,
  wifi: (ctx) => wifi(ctx.device),
  iphonesubinfo: (ctx) => iphonesubinfo(ctx.device),
  location: (ctx) => location(ctx.device),
  input_method: () => '  mInputShown=false mShowRequested=false\n  mIsInteractive=true\n',
  power: () => '  mWakefulness=Awake\n  mHoldingDisplaySuspendBlocker=true\n',
  battery: () =>
    'Current Battery Service state:\n  AC powered: false\n  USB powered: true\n  status: 2\n  health: 2\n  present: true\n  level: 87\n  scale: 100\n  temperature: 290\n',
  display: (ctx) =>
    `  mDefaultViewport=DisplayViewport{valid=true, orientation=0, deviceWidth=${ctx.device.screen.width}, deviceHeight=${ctx.device.screen.height}}\n  mScreenState=ON\n`,
};

export const DUMPSYS: ShellCommand[] = [
  {
    name: 'dumpsys',
    run(ctx) {
      const [service, ...args] = ctx.argv.slice(1);
      if (!service || service === '-l') {
        ctx.out(
          `Currently running services:\n${Object.keys(SERVICES)
            .map((s) => `  ${s}\n`)
            .join('')}`,
        );
        return 0;
      }
      const dump = SERVICES[service];
      if (!dump) {
        ctx.err(`Can't find service: ${service}\n`);
        return 0;
      }
      ctx.out(dump(ctx, args));
      return 0;
    },
  },
];
