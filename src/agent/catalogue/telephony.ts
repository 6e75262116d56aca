import type { HookRow } from './types.ts';

const REF = 'https://developer.android.com/reference/android/telephony/TelephonyManager';
const TM = 'android.telephony.TelephonyManager';

/** Telephony identifiers and cell information (RULES.md PI set, tier 1). */
export const TELEPHONY: HookRow[] = [
  {
    class: TM,
    method: 'getDeviceId',
    category: 'device-id',
    data: ['imei', 'meid'],
    ret: 'string',
    source: `${REF}#getDeviceId()`,
  },
  {
    class: TM,
    method: 'getImei',
    category: 'device-id',
    data: ['imei'],
    ret: 'string',
    source: `${REF}#getImei()`,
  },
  {
    class: TM,
    method: 'getMeid',
    category: 'device-id',
    data: ['meid'],
    ret: 'string',
    source: `${REF}#getMeid()`,
  },
  {
    class: TM,
    method: 'getSubscriberId',
    category: 'device-id',
    data: ['imsi'],
    ret: 'string',
    source: `${REF}#getSubscriberId()`,
  },
  {
    class: TM,
    method: 'getSimSerialNumber',
    category: 'device-id',
    data: ['iccid'],
    ret: 'string',
    source: `${REF}#getSimSerialNumber()`,
  },
  {
    class: TM,
    method: 'getLine1Number',
    category: 'device-id',
    data: ['phoneNumber'],
    ret: 'string',
    source: `${REF}#getLine1Number()`,
  },
  {
    class: TM,
    method: 'getNetworkOperator',
    category: 'network-id',
    data: ['networkOperator'],
    ret: 'string',
    source: `${REF}#getNetworkOperator()`,
  },
  {
    class: TM,
    method: 'getCellLocation',
    category: 'location',
    data: ['cellLocation'],
    ret: 'value',
    source: `${REF}#getCellLocation()`,
  },
  {
    class: TM,
    method: 'getAllCellInfo',
    category: 'location',
    data: ['cellLocation'],
    ret: 'list',
    source: `${REF}#getAllCellInfo()`,
  },
];
