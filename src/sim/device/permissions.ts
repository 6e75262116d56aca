/**
 * Runtime ("dangerous") permissions of API 29 and their groups; everything else an app requests is
 * an install-time permission granted at install. Source: frameworks/base/core/res/AndroidManifest.xml
 * (android-10.0.0_r1), protectionLevel="dangerous".
 */
export const RUNTIME_PERMISSIONS: Readonly<Record<string, string>> = {
  'android.permission.READ_CALENDAR': 'android.permission-group.CALENDAR',
  'android.permission.WRITE_CALENDAR': 'android.permission-group.CALENDAR',
  'android.permission.READ_CALL_LOG': 'android.permission-group.CALL_LOG',
  'android.permission.WRITE_CALL_LOG': 'android.permission-group.CALL_LOG',
  'android.permission.PROCESS_OUTGOING_CALLS': 'android.permission-group.CALL_LOG',
  'android.permission.CAMERA': 'android.permission-group.CAMERA',
  'android.permission.READ_CONTACTS': 'android.permission-group.CONTACTS',
  'android.permission.WRITE_CONTACTS': 'android.permission-group.CONTACTS',
  'android.permission.GET_ACCOUNTS': 'android.permission-group.CONTACTS',
  'android.permission.ACCESS_FINE_LOCATION': 'android.permission-group.LOCATION',
  'android.permission.ACCESS_COARSE_LOCATION': 'android.permission-group.LOCATION',
  'android.permission.ACCESS_BACKGROUND_LOCATION': 'android.permission-group.LOCATION',
  'android.permission.RECORD_AUDIO': 'android.permission-group.MICROPHONE',
  'android.permission.READ_PHONE_STATE': 'android.permission-group.PHONE',
  'android.permission.READ_PHONE_NUMBERS': 'android.permission-group.PHONE',
  'android.permission.CALL_PHONE': 'android.permission-group.PHONE',
  'android.permission.ANSWER_PHONE_CALLS': 'android.permission-group.PHONE',
  'android.permission.ADD_VOICEMAIL': 'android.permission-group.PHONE',
  'android.permission.USE_SIP': 'android.permission-group.PHONE',
  'android.permission.ACCEPT_HANDOVER': 'android.permission-group.PHONE',
  'android.permission.BODY_SENSORS': 'android.permission-group.SENSORS',
  'android.permission.ACTIVITY_RECOGNITION': 'android.permission-group.ACTIVITY_RECOGNITION',
  'android.permission.SEND_SMS': 'android.permission-group.SMS',
  'android.permission.RECEIVE_SMS': 'android.permission-group.SMS',
  'android.permission.READ_SMS': 'android.permission-group.SMS',
  'android.permission.RECEIVE_WAP_PUSH': 'android.permission-group.SMS',
  'android.permission.RECEIVE_MMS': 'android.permission-group.SMS',
  'android.permission.READ_EXTERNAL_STORAGE': 'android.permission-group.STORAGE',
  'android.permission.WRITE_EXTERNAL_STORAGE': 'android.permission-group.STORAGE',
  'android.permission.ACCESS_MEDIA_LOCATION': 'android.permission-group.STORAGE',
};

export function isRuntimePermission(name: string): boolean {
  return Object.hasOwn(RUNTIME_PERMISSIONS, name);
}
