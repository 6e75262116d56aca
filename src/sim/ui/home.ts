import type { SimDevice } from '../device/device.ts';
import { LAUNCHER } from '../device/system-packages.ts';
import { node, type UiNode, type UiWindow } from './types.ts';

/**
 * Windows the system draws when no app model does: the launcher's home screen (one icon per user
 * app, content-desc = package name, as launcher icons carry the app label) and a blank activity for an
 * app without a model.
 */
export function homeWindow(device: SimDevice, width: number, height: number): UiWindow {
  const pkg = LAUNCHER.pkg;
  const apps = device.packages.all().filter((p) => !p.system && p.launchActivity !== null);
  const cols = 4;
  const cell = Math.floor(width / cols);
  const top = Math.round(height * 0.12);
  const icons: UiNode[] = apps.map((p, i) => {
    const x = (i % cols) * cell;
    const y = top + Math.floor(i / cols) * cell;
    const label = p.name.split('.').pop() ?? p.name;
    return node({
      class: 'android.widget.TextView',
      resourceId: `${pkg}:id/icon`,
      text: label,
      contentDesc: p.name,
      bounds: [x, y, x + cell, y + cell],
      clickable: true,
      focusable: true,
      longClickable: true,
      package: pkg,
      style: { background: '#3c6e9e', color: '#ffffff', fontSize: 34, align: 'center', radius: 24 },
    });
  });
  const root = node({
    class: 'android.widget.FrameLayout',
    bounds: [0, 0, width, height],
    package: pkg,
    style: { background: '#1d3b58' },
    children: [
      node({
        class: 'android.view.ViewGroup',
        resourceId: `${pkg}:id/workspace`,
        bounds: [0, top, width, height],
        package: pkg,
        scrollable: true,
        children: icons,
      }),
    ],
  });
  return {
    id: 'home',
    kind: 'home',
    package: pkg,
    activity: LAUNCHER.activity,
    root,
    dimBehind: false,
    onTap: ({ node: hit }) => {
      const target = apps.find((p) => p.name === hit.contentDesc);
      if (!target) return;
      try {
        device.startActivity(target.name);
      } catch (err) {
        device.writeLog('W', 'Launcher', `Failed to start ${target.name}: ${(err as Error).message}`);
      }
    },
  };
}

export function plainActivityWindow(pkg: string, activity: string, width: number, height: number): UiWindow {
  return {
    id: `${pkg}:plain`,
    kind: 'activity',
    package: pkg,
    activity,
    root: node({
      class: 'android.widget.FrameLayout',
      bounds: [0, 0, width, height],
      package: pkg,
      style: { background: '#fafafa' },
      children: [
        node({
          class: 'android.widget.TextView',
          resourceId: 'android:id/title',
          text: activity.split('.').pop() ?? activity,
          bounds: [0, Math.round(height * 0.03), width, Math.round(height * 0.03) + 160],
          package: pkg,
          style: { background: '#008577', color: '#ffffff', fontSize: 48 },
        }),
      ],
    }),
    dimBehind: false,
  };
}
