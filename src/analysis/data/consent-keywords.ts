/**
 * Words the UI rules match in button labels, node texts and window texts. Each list names its source.
 * Matching rules live in src/analysis/rules/labels.ts; this file is only the words.
 */

export interface KeywordList {
  words: readonly string[];
  source: string;
}

/** Clear accept labels (DECEIVE-CONSENT-002). Source: RULES.md DECEIVE-CONSENT-002; A4 (Altpeter 2022) label lists. */
export const ACCEPT_WORDS: KeywordList = {
  words: ['同意', '同意并继续', '同意并进入', '接受', 'Agree', 'I agree', 'Accept', 'Accept all', 'Allow'],
  source: 'RULES.md DECEIVE-CONSENT-002; A4 (baltpeter/thesis-mobile-consent-dialogs)',
};

/** Clear refuse labels. Checked before accept words, since 不同意 contains 同意. */
export const REFUSE_WORDS: KeywordList = {
  words: [
    '不同意',
    '不同意并退出',
    '拒绝',
    '暂不同意',
    '仅浏览',
    'Decline',
    'Reject',
    'Reject all',
    'Disagree',
    'Refuse',
    'Deny',
  ],
  source: 'RULES.md DECEIVE-CONSENT-002; A4',
};

/** Labels that are neither a clear accept nor a clear refuse (R1 scene 1.1-7: 好的, 我知道了). */
export const AMBIGUOUS_WORDS: KeywordList = {
  words: ['好的', '我知道了', '知道了', '继续', '确定', 'OK', 'Okay', 'Continue', 'Got it'],
  source: 'R1 scene 1.1-7 ([T] zhengjim/camille docs/detection_scene.md); RULES.md DECEIVE-CONSENT-002',
};

/** Text next to a consent checkbox that makes it a consent checkbox (DECEIVE-CONSENT-001). */
export const POLICY_WORDS: KeywordList = {
  words: [
    '隐私政策',
    '隐私协议',
    '个人信息保护',
    '用户协议',
    '服务协议',
    '协议',
    'Privacy Policy',
    'privacy',
    'Terms',
  ],
  source: 'RULES.md DECEIVE-CONSENT-001 (隐私政策/协议), PI-CONSENT-003',
};

/** Labels of a paste action (PI-SCOPE-002: a clipboard read right after a paste TAP is fine). */
export const PASTE_WORDS: KeywordList = {
  words: ['粘贴', '贴上', 'Paste'],
  source: 'RULES.md PI-SCOPE-002 (paste TAP); Android framework string `paste`',
};

/** Labels of a download/install control (DECEIVE-DL-001). */
export const DOWNLOAD_WORDS: KeywordList = {
  words: ['下载', '安装', '立即下载', '立即安装', 'Download', 'Install', 'Update', '更新'],
  source: 'RULES.md DECEIVE-DL-001 (下载/安装)',
};

/** Labels of close/skip controls (UX-POPUP-001, DECEIVE-JUMP-001). */
export const CLOSE_WORDS: KeywordList = {
  words: ['关闭', '跳过', '×', '✕', 'X', 'Close', 'Skip', '不感兴趣'],
  source: 'RULES.md UX-POPUP-001 (close or skip), R6 Art. 10',
};

/** Shake cues on information windows (DECEIVE-SHAKE-001). */
export const SHAKE_WORDS: KeywordList = {
  words: ['摇一摇', '扭一扭', '摇动手机', '晃动手机', 'Shake'],
  source: 'RULES.md DECEIVE-SHAKE-001 (摇一摇/扭一扭); R4 §6 note',
};

/** CTA wording that names a jump to another app (DECEIVE-JUMP-001: 打开/去/跳转 + app). */
export const JUMP_WORDS: KeywordList = {
  words: ['打开', '去', '跳转', '前往', 'Open', 'Go to'],
  source: 'RULES.md DECEIVE-JUMP-001 (打开/去/跳转 + app); R4 §6 items 1–3',
};

/** App-drawn guides that send the user to re-enable a permission (PERM-002: 去开启权限). */
export const PERMISSION_GUIDE_WORDS: KeywordList = {
  words: ['去开启', '开启权限', '去设置', '前往设置', 'Go to settings', 'Enable permission'],
  source: 'RULES.md PERM-002 (app-drawn "去开启权限" guide)',
};
