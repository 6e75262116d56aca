import type { HookRow } from './types.ts';

/**
 * Inputs to hashing, encryption and Base64: identifiers seen before they are disguised. These methods
 * run constantly, so a hit counts only when its input contains a watched identity value (agent
 * parameter `watch`); without watched values these rows record nothing.
 */
export const CRYPTO: HookRow[] = [
  {
    class: 'java.security.MessageDigest',
    method: 'update',
    category: 'crypto-input',
    data: [],
    args: ['bytes', 'value', 'value'],
    classify: 'watchedValue',
    source: 'https://developer.android.com/reference/java/security/MessageDigest#update(byte[])',
  },
  {
    class: 'java.security.MessageDigest',
    method: 'digest',
    category: 'crypto-input',
    data: [],
    args: ['bytes', 'value', 'value'],
    ret: 'bytes',
    classify: 'watchedValue',
    source: 'https://developer.android.com/reference/java/security/MessageDigest#digest(byte[])',
  },
  {
    class: 'javax.crypto.Cipher',
    method: 'doFinal',
    category: 'crypto-input',
    data: [],
    args: ['bytes', 'value', 'value'],
    ret: 'bytes',
    classify: 'watchedValue',
    source: 'https://developer.android.com/reference/javax/crypto/Cipher#doFinal(byte[])',
  },
  {
    class: 'android.util.Base64',
    method: 'encode',
    category: 'crypto-input',
    data: [],
    args: ['bytes', 'value', 'value', 'value'],
    ret: 'bytes',
    classify: 'watchedValue',
    source: 'https://developer.android.com/reference/android/util/Base64#encode(byte[],%20int)',
  },
  {
    class: 'android.util.Base64',
    method: 'encodeToString',
    category: 'crypto-input',
    data: [],
    args: ['bytes', 'value', 'value', 'value'],
    ret: 'string',
    classify: 'watchedValue',
    source: 'https://developer.android.com/reference/android/util/Base64#encodeToString(byte[],%20int)',
  },
];
