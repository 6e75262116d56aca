import type { HookRow } from './types.ts';

const AM = 'android.accounts.AccountManager';
const REF = 'https://developer.android.com/reference/android/accounts/AccountManager';

/** Accounts on the device (e-mail addresses are often account names). */
export const ACCOUNTS: HookRow[] = [
  {
    class: AM,
    method: 'getAccounts',
    category: 'accounts',
    data: ['accounts', 'email'],
    ret: 'list',
    source: `${REF}#getAccounts()`,
  },
  {
    class: AM,
    method: 'getAccountsByType',
    category: 'accounts',
    data: ['accounts', 'email'],
    args: 'string',
    ret: 'list',
    source: `${REF}#getAccountsByType(java.lang.String)`,
  },
];
