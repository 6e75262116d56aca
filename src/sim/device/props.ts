import type { SimIdentity } from '../identity.ts';

/**
 * The system properties `getprop` shows, built from the handset profile and identity. Names are the
 * ones real tooling reads (Appium's adb helpers, httptoolkit's device checks, SDKs' emulator checks).
 */
export function buildProps(id: SimIdentity, bootEpochMs: number): Map<string, string> {
  const p = id.profile;
  const fingerprint = `${p.brand}/${p.product}/${p.device}:${p.release}/${p.buildId}/${p.incremental}:user/release-keys`;
  const [lang, region] = p.locale.split('-');
  const entries: [string, string][] = [
    ['dalvik.vm.heapsize', '512m'],
    ['gsm.network.type', 'LTE'],
    ['gsm.operator.alpha', p.carrier.name],
    ['gsm.operator.iso-country', p.carrier.countryIso],
    ['gsm.operator.numeric', `${p.carrier.mcc}${p.carrier.mnc}`],
    ['gsm.sim.operator.alpha', p.carrier.name],
    ['gsm.sim.operator.iso-country', p.carrier.countryIso],
    ['gsm.sim.operator.numeric', `${p.carrier.mcc}${p.carrier.mnc}`],
    ['gsm.sim.state', 'READY'],
    ['gsm.version.baseband', `${p.hardware.toUpperCase()}.LA.1.0-00047`],
    ['init.svc.adbd', 'running'],
    ['persist.sys.locale', p.locale],
    ['persist.sys.timezone', p.timezone],
    ['persist.sys.usb.config', 'mtp,adb'],
    ['ro.adb.secure', '0'],
    ['ro.boot.serialno', id.serial],
    ['ro.bootimage.build.fingerprint', fingerprint],
    ['ro.bootloader', 'unknown'],
    ['ro.build.characteristics', 'nosdcard'],
    ['ro.build.date.utc', '1600000000'],
    ['ro.build.description', `${p.product}-user ${p.release} ${p.buildId} ${p.incremental} release-keys`],
    ['ro.build.display.id', `${p.buildId} release-keys`],
    ['ro.build.fingerprint', fingerprint],
    ['ro.build.id', p.buildId],
    ['ro.build.tags', 'release-keys'],
    ['ro.build.type', 'user'],
    ['ro.build.user', 'builder'],
    ['ro.build.version.codename', 'REL'],
    ['ro.build.version.incremental', p.incremental],
    ['ro.build.version.preview_sdk', '0'],
    ['ro.build.version.release', p.release],
    ['ro.build.version.sdk', String(p.sdk)],
    ['ro.build.version.security_patch', p.securityPatch],
    ['ro.crypto.state', 'encrypted'],
    ['ro.debuggable', '0'],
    ['ro.hardware', p.hardware],
    ['ro.kernel.qemu', '0'],
    ['ro.product.board', p.board],
    ['ro.product.brand', p.brand],
    ['ro.product.cpu.abi', p.abi],
    ['ro.product.cpu.abilist', p.abiList],
    ['ro.product.cpu.abilist32', 'armeabi-v7a,armeabi'],
    ['ro.product.cpu.abilist64', 'arm64-v8a'],
    ['ro.product.device', p.device],
    ['ro.product.locale', p.locale],
    ['ro.product.locale.language', lang ?? 'en'],
    ['ro.product.locale.region', region ?? 'US'],
    ['ro.product.manufacturer', p.manufacturer],
    ['ro.product.model', p.model],
    ['ro.product.name', p.product],
    ['ro.secure', '1'],
    ['ro.serialno', id.serial],
    ['ro.sf.lcd_density', String(p.screen.density)],
    ['ro.zygote', 'zygote64_32'],
    ['service.bootanim.exit', '1'],
    ['sys.boot_completed', '1'],
    ['sys.usb.state', 'mtp,adb'],
    ['dev.bootcomplete', '1'],
    ['net.hostname', `android-${id.androidId}`],
    ['wifi.interface', 'wlan0'],
    ['ro.runtime.firstboot', String(bootEpochMs)],
    // Not on real phones: lets tooling (and reports) tell a sim apart without guessing.
    ['ro.appwarden.sim', '1'],
  ];
  return new Map(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
