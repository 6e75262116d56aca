import type { HookRow } from './types.ts';

// SharedPreferences is an interface; SharedPreferencesImpl is what Context.getSharedPreferences returns.
const SP = 'android.app.SharedPreferencesImpl';
const TCF =
  'IAB TCF v2 "In-app details", https://github.com/InteractiveAdvertisingBureau/GDPR-Transparency-and-Consent-Framework/blob/master/TCFv2/IAB%20Tech%20Lab%20-%20CMP%20API%20v2.md#in-app-details';

/** Reads of IAB TCF consent keys: do SDKs look at the stored choice? (GDPR-CONSENT-002) */
export const CONSENT_STORAGE: HookRow[] = [
  {
    class: SP,
    method: 'getString',
    category: 'consent-storage',
    data: [],
    args: ['string', 'string'],
    ret: 'string',
    classify: 'iabtcfKey',
    source: TCF,
  },
  {
    class: SP,
    method: 'getInt',
    category: 'consent-storage',
    data: [],
    args: ['string', 'value'],
    ret: 'value',
    classify: 'iabtcfKey',
    source: TCF,
  },
];
