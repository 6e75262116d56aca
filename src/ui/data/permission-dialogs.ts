/**
 * How the system runtime-permission dialog looks across Android versions and OEMs: the packages that
 * draw it, the resource ids of its buttons and message, the button texts, and the message words that
 * name the permission group. Sources: AOSP packages/apps/PackageInstaller (Android 6–9,
 * `com.android.packageinstaller`) and PermissionController (Android 10+, `com.android.permissioncontroller`,
 * `com.google.android.permissioncontroller` on Google builds) res/layout/grant_permissions.xml and
 * res/values{,-zh-rCN}/strings.xml; OEM ids from appium/appium#14211-style reports (MIUI
 * `com.lbe.security.miui`, Huawei `com.huawei.systemmanager`).
 */

export interface DialogPackage {
  pkg: string;
  source: string;
}

export const PERMISSION_DIALOG_PACKAGES: readonly DialogPackage[] = [
  { pkg: 'com.android.permissioncontroller', source: 'AOSP Android 10+' },
  { pkg: 'com.google.android.permissioncontroller', source: 'Google builds Android 10+' },
  { pkg: 'com.android.packageinstaller', source: 'AOSP Android 6–9' },
  { pkg: 'com.google.android.packageinstaller', source: 'Google builds Android 6–9' },
  { pkg: 'com.lbe.security.miui', source: 'MIUI permission manager' },
  { pkg: 'com.huawei.systemmanager', source: 'EMUI permission manager' },
];

export type PermissionButton = 'allow' | 'allowForeground' | 'allowOnce' | 'deny' | 'denyForever';

/** Resource-id suffixes (after `:id/`) of each button, as the AOSP layouts name them. */
export const BUTTON_IDS: Readonly<Record<PermissionButton, readonly string[]>> = {
  allow: ['permission_allow_button'],
  allowForeground: ['permission_allow_foreground_only_button'],
  allowOnce: ['permission_allow_one_time_button'],
  deny: ['permission_deny_button'],
  denyForever: ['permission_deny_and_dont_ask_again_button', 'permission_deny_dont_ask_again_button'],
};

/** The message id suffix; the dialog root (`grant_dialog`) is not always exposed. */
export const MESSAGE_IDS: readonly string[] = ['permission_message'];
export const DIALOG_ROOT_IDS: readonly string[] = ['grant_dialog', 'grant_singleton'];

/** Button texts (strings.xml grant_dialog_button_*), for OEM dialogs without AOSP ids. */
export const BUTTON_TEXTS: Readonly<Record<PermissionButton, readonly string[]>> = {
  allow: ['Allow', '允许', '始终允许', 'Allow all the time'],
  allowForeground: [
    'Allow only while using the app',
    'While using the app',
    '仅在使用该应用期间允许',
    '仅使用期间允许',
  ],
  allowOnce: ['Only this time', '仅限这一次', '本次运行允许'],
  deny: ['Deny', "Don't allow", '拒绝', '不允许', '禁止'],
  denyForever: [
    "Deny & don't ask again",
    "Don't allow & don't ask again",
    '拒绝，不要再询问',
    '拒绝且不再询问',
  ],
};

/**
 * Words of the dialog's message that name the group (permgrouprequest_* strings). Ordered: the
 * first group whose word occurs wins, so call logs come before phone, media before files.
 */
export const GROUP_WORDS: readonly { group: string; words: readonly string[] }[] = [
  { group: 'android.permission-group.CALL_LOG', words: ['call logs', '通话记录'] },
  { group: 'android.permission-group.CONTACTS', words: ['contacts', '通讯录', '联系人'] },
  { group: 'android.permission-group.LOCATION', words: ['location', '位置'] },
  { group: 'android.permission-group.CAMERA', words: ['take pictures', 'camera', '拍摄照片', '相机'] },
  { group: 'android.permission-group.MICROPHONE', words: ['record audio', 'microphone', '录音', '麦克风'] },
  { group: 'android.permission-group.SMS', words: ['SMS', '短信'] },
  { group: 'android.permission-group.CALENDAR', words: ['calendar', '日历'] },
  { group: 'android.permission-group.PHONE', words: ['phone calls', '拨打电话', '电话'] },
  { group: 'android.permission-group.STORAGE', words: ['photos, media', 'files', '照片', '文件', '存储'] },
  { group: 'android.permission-group.SENSORS', words: ['vital signs', '生命体征', '传感器'] },
  { group: 'android.permission-group.ACTIVITY_RECOGNITION', words: ['physical activity', '身体活动'] },
  { group: 'android.permission-group.NEARBY_DEVICES', words: ['nearby devices', '附近的设备'] },
  { group: 'android.permission-group.NOTIFICATIONS', words: ['notifications', '通知'] },
];

/**
 * Runtime permissions by group (Manifest.permission_group; developer.android.com "permission groups"),
 * so a prompt that names a group can be marked with the permissions the app actually requested.
 */
export const GROUP_PERMISSIONS: Readonly<Record<string, readonly string[]>> = {
  'android.permission-group.LOCATION': [
    'ACCESS_FINE_LOCATION',
    'ACCESS_COARSE_LOCATION',
    'ACCESS_BACKGROUND_LOCATION',
  ],
  'android.permission-group.CONTACTS': ['READ_CONTACTS', 'WRITE_CONTACTS', 'GET_ACCOUNTS'],
  'android.permission-group.PHONE': [
    'READ_PHONE_STATE',
    'READ_PHONE_NUMBERS',
    'CALL_PHONE',
    'ANSWER_PHONE_CALLS',
    'ADD_VOICEMAIL',
    'USE_SIP',
  ],
  'android.permission-group.CALL_LOG': ['READ_CALL_LOG', 'WRITE_CALL_LOG', 'PROCESS_OUTGOING_CALLS'],
  'android.permission-group.STORAGE': [
    'READ_EXTERNAL_STORAGE',
    'WRITE_EXTERNAL_STORAGE',
    'READ_MEDIA_IMAGES',
    'READ_MEDIA_VIDEO',
    'READ_MEDIA_AUDIO',
  ],
  'android.permission-group.CAMERA': ['CAMERA'],
  'android.permission-group.MICROPHONE': ['RECORD_AUDIO'],
  'android.permission-group.SMS': ['SEND_SMS', 'RECEIVE_SMS', 'READ_SMS', 'RECEIVE_WAP_PUSH', 'RECEIVE_MMS'],
  'android.permission-group.CALENDAR': ['READ_CALENDAR', 'WRITE_CALENDAR'],
  'android.permission-group.SENSORS': ['BODY_SENSORS'],
  'android.permission-group.ACTIVITY_RECOGNITION': ['ACTIVITY_RECOGNITION'],
  'android.permission-group.NEARBY_DEVICES': [
    'BLUETOOTH_SCAN',
    'BLUETOOTH_CONNECT',
    'BLUETOOTH_ADVERTISE',
    'NEARBY_WIFI_DEVICES',
  ],
  'android.permission-group.NOTIFICATIONS': ['POST_NOTIFICATIONS'],
};
