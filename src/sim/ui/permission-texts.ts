/**
 * What the permission controller's grant dialog says, per permission group and locale. Source:
 * packages/apps/PermissionController res/values{,-zh-rCN}/strings.xml of android-10.0.0_r1
 * (permgrouprequest_* and grant_dialog_button_*), with the app label in place of %1$s.
 */
export interface GrantTexts {
  message: (app: string) => string;
}

type Locale = 'en' | 'zh';

export const GROUP_MESSAGES: Readonly<Record<string, Record<Locale, (app: string) => string>>> = {
  'android.permission-group.LOCATION': {
    en: (a) => `Allow ${a} to access this device's location?`,
    zh: (a) => `要允许“${a}”获取此设备的位置信息吗？`,
  },
  'android.permission-group.CONTACTS': {
    en: (a) => `Allow ${a} to access your contacts?`,
    zh: (a) => `要允许“${a}”访问您的通讯录吗？`,
  },
  'android.permission-group.PHONE': {
    en: (a) => `Allow ${a} to make and manage phone calls?`,
    zh: (a) => `要允许“${a}”拨打电话和管理通话吗？`,
  },
  'android.permission-group.STORAGE': {
    en: (a) => `Allow ${a} to access photos, media, and files on your device?`,
    zh: (a) => `要允许“${a}”访问您设备上的照片、媒体内容和文件吗？`,
  },
  'android.permission-group.CAMERA': {
    en: (a) => `Allow ${a} to take pictures and record video?`,
    zh: (a) => `要允许“${a}”拍摄照片和录制视频吗？`,
  },
  'android.permission-group.MICROPHONE': {
    en: (a) => `Allow ${a} to record audio?`,
    zh: (a) => `要允许“${a}”录音吗？`,
  },
  'android.permission-group.SMS': {
    en: (a) => `Allow ${a} to send and view SMS messages?`,
    zh: (a) => `要允许“${a}”发送和查看短信吗？`,
  },
  'android.permission-group.CALENDAR': {
    en: (a) => `Allow ${a} to access your calendar?`,
    zh: (a) => `要允许“${a}”访问您的日历吗？`,
  },
  'android.permission-group.CALL_LOG': {
    en: (a) => `Allow ${a} to access your phone call logs?`,
    zh: (a) => `要允许“${a}”访问您的通话记录吗？`,
  },
  'android.permission-group.SENSORS': {
    en: (a) => `Allow ${a} to access sensor data about your vital signs?`,
    zh: (a) => `要允许“${a}”获取与您的生命体征相关的传感器数据吗？`,
  },
  'android.permission-group.ACTIVITY_RECOGNITION': {
    en: (a) => `Allow ${a} to access your physical activity?`,
    zh: (a) => `要允许“${a}”获取您的身体活动数据吗？`,
  },
};

export const BUTTON_TEXTS: Readonly<Record<Locale, Record<string, string>>> = {
  en: {
    allow: 'Allow',
    foregroundOnly: 'Allow only while using the app',
    deny: 'Deny',
    denyDontAsk: "Deny & don't ask again",
  },
  zh: {
    allow: '允许',
    foregroundOnly: '仅在使用该应用期间允许',
    deny: '拒绝',
    denyDontAsk: '拒绝，不要再询问',
  },
};

export function localeOf(propLocale: string | undefined): Locale {
  return propLocale?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}
