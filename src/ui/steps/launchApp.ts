import { startApp } from '../../device/ops/activity.ts';
import { clearData } from '../../device/ops/packages.ts';
import { grant, revoke } from '../../device/ops/permissions.ts';
import { requestedRuntimePermissions } from '../requested.ts';
import { defineExecutor } from './define.ts';

/** Emits LAUNCH. grantAll / denyAll pre-set every runtime permission the app requests and become the watcher's policy. */
export const launchApp = defineExecutor({
  name: 'launchApp',
  async run(j, o) {
    const device = j.ctx.device;
    if (o.clearState) await clearData(device, j.pkg);
    if (o.permissions !== 'default') {
      for (const p of await requestedRuntimePermissions(device, j.pkg)) {
        if (o.permissions === 'grantAll') await grant(device, j.pkg, p);
        else await revoke(device, j.pkg, p);
      }
    }
    j.policy = o.permissions;
    // Grant-activity starts logged before this launch are not this app's requests (prompt-origin.ts).
    await j.origins.ready();
    j.mark('LAUNCH', j.pkg, { clearState: o.clearState, permissions: o.permissions });
    await startApp(device, j.pkg);
    await j.look();
  },
});
