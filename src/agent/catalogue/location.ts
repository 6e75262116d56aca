import type { HookRow } from './types.ts';

const LM = 'android.location.LocationManager';
const LM_REF = 'https://developer.android.com/reference/android/location/LocationManager';
const FUSED = 'com.google.android.gms.location.FusedLocationProviderClient';
const FUSED_REF =
  'https://developers.google.com/android/reference/com/google/android/gms/location/FusedLocationProviderClient';

/**
 * Location reads and subscriptions. FusedLocationProviderClient is a class up to play-services-location
 * 20 and an interface from 21 (whose implementation is obfuscated); on 21+ the framework
 * LocationManager rows still see the fix when the fused provider delivers it.
 */
export const LOCATION: HookRow[] = [
  {
    class: LM,
    method: 'getLastKnownLocation',
    category: 'location',
    data: ['location'],
    args: 'string',
    ret: 'location',
    source: `${LM_REF}#getLastKnownLocation(java.lang.String)`,
  },
  {
    class: LM,
    method: 'requestLocationUpdates',
    category: 'location',
    data: ['location'],
    source: `${LM_REF}#requestLocationUpdates(java.lang.String,%20long,%20float,%20android.location.LocationListener)`,
  },
  {
    class: LM,
    method: 'requestSingleUpdate',
    category: 'location',
    data: ['location'],
    source: `${LM_REF}#requestSingleUpdate(java.lang.String,%20android.location.LocationListener,%20android.os.Looper)`,
  },
  {
    class: LM,
    method: 'getCurrentLocation',
    category: 'location',
    data: ['location'],
    source: `${LM_REF}#getCurrentLocation(java.lang.String,%20android.os.CancellationSignal,%20java.util.concurrent.Executor,%20java.util.function.Consumer%3Candroid.location.Location%3E)`,
  },
  {
    class: FUSED,
    method: 'getLastLocation',
    category: 'location',
    data: ['location'],
    ret: 'value',
    source: `${FUSED_REF}#getLastLocation()`,
  },
  {
    class: FUSED,
    method: 'requestLocationUpdates',
    category: 'location',
    data: ['location'],
    source: `${FUSED_REF}#requestLocationUpdates(com.google.android.gms.location.LocationRequest,%20com.google.android.gms.location.LocationCallback,%20android.os.Looper)`,
  },
  {
    class: FUSED,
    method: 'getCurrentLocation',
    category: 'location',
    data: ['location'],
    source: `${FUSED_REF}#getCurrentLocation(int,%20com.google.android.gms.tasks.CancellationToken)`,
  },
  {
    class: 'android.location.Geocoder',
    method: 'getFromLocation',
    category: 'location',
    data: ['location'],
    ret: 'list',
    source:
      'https://developer.android.com/reference/android/location/Geocoder#getFromLocation(double,%20double,%20int)',
  },
  {
    class: 'android.location.Geocoder',
    method: 'getFromLocationName',
    category: 'location',
    data: ['location'],
    ret: 'list',
    source:
      'https://developer.android.com/reference/android/location/Geocoder#getFromLocationName(java.lang.String,%20int)',
  },
];
