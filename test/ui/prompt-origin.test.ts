import { describe, expect, it } from 'vitest';
import { attribute, parseAppUid, parseGrantStarts, PromptOrigins } from '../../src/ui/prompt-origin.ts';
import { fakeDevice } from './fake-phone.ts';

const CONTACTS = new Set(['android.permission.READ_CONTACTS', 'android.permission.WRITE_CONTACTS']);

/** Logcat lines as devices print them (threadtime), one per Android generation. */
const A10 =
  '11-28 04:00:01.123  1124  1300 I ActivityTaskManager: START u0 {act=android.content.pm.action.REQUEST_PERMISSIONS pkg=com.google.android.permissioncontroller cmp=com.google.android.permissioncontroller/com.android.permissioncontroller.permission.ui.GrantPermissionsActivity (has extras)} from uid 10153';
const A14 =
  '11-28 04:00:02.456  1124  1301 I ActivityTaskManager: START u0 {act=android.content.pm.action.REQUEST_PERMISSIONS pkg=com.google.android.permissioncontroller cmp=com.google.android.permissioncontroller/com.android.permissioncontroller.permission.ui.GrantPermissionsActivity (has extras)} with LAUNCH_MULTIPLE from uid 10153 (BAL_ALLOW_VISIBLE_WINDOW) result code=0';
const A13_OS =
  '11-28 04:00:03.789  1124  1302 I ActivityTaskManager: START u0 {act=android.content.pm.action.REQUEST_PERMISSIONS_FOR_OTHER flg=0x10000000 pkg=com.google.android.permissioncontroller cmp=com.google.android.permissioncontroller/com.android.permissioncontroller.permission.ui.GrantPermissionsActivity (has extras)} from uid 1000';

describe('prompt origin', () => {
  it('reads grant-activity starts across Android versions, and the app uid', () => {
    const starts = parseGrantStarts(
      [
        '--------- beginning of system',
        A10,
        'I ActivityTaskManager: START u0 {act=android.intent.action.MAIN} from uid 10153',
        A14,
        A13_OS,
      ].join('\n'),
    );
    expect(starts.map((s) => [s.forOther, s.uid])).toEqual([
      [false, 10153],
      [false, 10153],
      [true, 1000],
    ]);
    expect(parseAppUid('Packages:\n  Package [com.x] (ab12):\n    userId=10153\n    pkg=Package{…}\n')).toBe(
      10153,
    );
  });

  it('decides app, os or unknown from hooks and logcat', () => {
    const base = { appUid: 10153, members: CONTACTS, logcat: true };
    const [app, , os] = parseGrantStarts([A10, A14, A13_OS].join('\n'));
    // The hooks saw the request: app, whatever logcat says.
    expect(
      attribute({ ...base, starts: [], requests: [{ permissions: ['android.permission.READ_CONTACTS'] }] }),
    ).toEqual({ requestedBy: 'app', via: 'hooks' });
    // A request for another group does not explain this prompt.
    expect(
      attribute({ ...base, starts: [os!], requests: [{ permissions: ['android.permission.CAMERA'] }] }),
    ).toEqual({ requestedBy: 'os', via: 'logcat' });
    expect(attribute({ ...base, starts: [app!], requests: undefined })).toEqual({
      requestedBy: 'app',
      via: 'logcat',
    });
    // Hooks attached and quiet, logcat read and no start from the app: the system's.
    expect(attribute({ ...base, starts: [], requests: [] })).toEqual({
      requestedBy: 'os',
      via: 'hooks+logcat',
    });
    // A group the app does not declare: Android would have denied the app's request without a prompt.
    expect(attribute({ ...base, starts: [], requests: undefined, declared: false })).toEqual({
      requestedBy: 'os',
      via: 'manifest',
    });
    // Nothing to tell by: left out (the rules count it against the app, as before).
    expect(attribute({ ...base, starts: [], requests: undefined })).toEqual({});
    expect(attribute({ ...base, starts: [], requests: [], logcat: false })).toEqual({});
  });

  it("ignores starts from before the journey, and lets the next group's dialog inherit its start", async () => {
    let log = A10; // a start left by an earlier session
    const device = fakeDevice({
      logcat: () => log,
      'dumpsys package': '    userId=10153\n',
    });
    const origins = new PromptOrigins(device, 'com.x');
    await origins.ready();
    expect(await origins.of(CONTACTS, 1000)).toEqual({});
    log = `${A10}\n${A14}`; // the app asks for two groups: one start, two dialogs
    expect(await origins.of(CONTACTS, 5000)).toEqual({ requestedBy: 'app', via: 'logcat' });
    origins.still(20_000); // the first dialog stayed up until the user answered it
    expect(await origins.of(new Set(['android.permission.CAMERA']), 21_000)).toEqual({
      requestedBy: 'app',
      via: 'previous',
    });
    // Long after, with no new start, a prompt is not the old request's.
    expect(await origins.of(CONTACTS, 60_000)).toEqual({});
  });
});
