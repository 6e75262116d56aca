import type { HookRow } from './types.ts';

const CR = 'android.content.ContentResolver';
const REF = 'https://developer.android.com/reference/android/content/ContentResolver';

/**
 * Content providers, classified by authority (catalogue/authorities.ts): contacts, call log, SMS,
 * calendar, media, browser; another app's provider counts as `content-other` (UX-START-002).
 */
export const CONTENT: HookRow[] = [
  {
    class: CR,
    method: 'query',
    category: 'content-other',
    data: [],
    args: ['uri', 'value', 'value', 'value', 'value'],
    ret: 'cursor',
    classify: 'contentAuthority',
    source: `${REF}#query(android.net.Uri,%20java.lang.String[],%20android.os.Bundle,%20android.os.CancellationSignal)`,
  },
  {
    class: CR,
    method: 'insert',
    category: 'content-other',
    data: [],
    args: ['uri', 'value'],
    ret: 'uri',
    classify: 'contentAuthority',
    source: `${REF}#insert(android.net.Uri,%20android.content.ContentValues)`,
  },
  {
    class: CR,
    method: 'update',
    category: 'content-other',
    data: [],
    args: ['uri', 'value', 'value', 'value'],
    ret: 'value',
    classify: 'contentAuthority',
    source: `${REF}#update(android.net.Uri,%20android.content.ContentValues,%20java.lang.String,%20java.lang.String[])`,
  },
];
