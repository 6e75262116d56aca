/**
 * Texts `explore` never taps, whatever `avoid` says (it only adds to this list): actions that cost
 * money, destroy data or leave the app for good. Matched as substrings, case-insensitive. Sources:
 * the exploration blocklists of DroidBot (honeynet/droidbot `utg` input policy) and Humanoid, and the
 * CN wording of payment and account pages (支付/充值/注销).
 */
export interface AvoidEntry {
  text: string;
  why: 'pay' | 'delete' | 'uninstall' | 'logout' | 'call';
}

export const EXPLORE_AVOID: readonly AvoidEntry[] = [
  { text: '支付', why: 'pay' },
  { text: '付款', why: 'pay' },
  { text: '充值', why: 'pay' },
  { text: '购买', why: 'pay' },
  { text: '订阅', why: 'pay' },
  { text: 'pay', why: 'pay' },
  { text: 'buy', why: 'pay' },
  { text: 'purchase', why: 'pay' },
  { text: 'subscribe', why: 'pay' },
  { text: '删除', why: 'delete' },
  { text: '注销', why: 'delete' },
  { text: '清空', why: 'delete' },
  { text: 'delete', why: 'delete' },
  { text: 'remove account', why: 'delete' },
  { text: 'erase', why: 'delete' },
  { text: '卸载', why: 'uninstall' },
  { text: 'uninstall', why: 'uninstall' },
  { text: '退出登录', why: 'logout' },
  { text: 'log out', why: 'logout' },
  { text: 'sign out', why: 'logout' },
  { text: '拨打', why: 'call' },
  { text: 'call now', why: 'call' },
];

/** Close/skip words for pop-up windows (UX-POPUP-001 reads the candidates). Sources: RULES.md R6 Art. 10, R7. */
export const CLOSE_WORDS: readonly string[] = [
  '关闭',
  '跳过',
  '取消',
  '以后再说',
  '暂不',
  '×',
  '✕',
  'X',
  'close',
  'skip',
  'cancel',
  'not now',
  'dismiss',
  'later',
];
