/**
 * Words that identify a privacy-policy / consent dialog and its buttons, zh and en.
 * Sources: RULES.md A4 (Altpeter 2022, baltpeter/thesis-mobile-consent-dialogs: button label lists,
 * "match at word boundaries, text ≤ 2× the matcher's length"), R1 scene 1.1-7 (我知道了/好的 as ambiguous
 * labels), R2 一.2 (隐私政策/个人信息保护 as the first-run notice), and the wording of CN app dialogs
 * (个人信息保护指引, 用户协议, 仅浏览 as the refuse route of 基本功能模式).
 */

export interface Keyword {
  text: string;
  lang: 'zh' | 'en';
  source: string;
}

const zh = (text: string, source: string): Keyword => ({ text, lang: 'zh', source });
const en = (text: string, source: string): Keyword => ({ text, lang: 'en', source });

/** Text on a screen that says "this is the privacy notice". One hit is enough with an accept button. */
export const POLICY_KEYWORDS: readonly Keyword[] = [
  zh('隐私政策', 'R2 一.2'),
  zh('隐私保护', 'R2 一.2'),
  zh('个人信息保护指引', 'CN app dialogs'),
  zh('个人信息保护', 'RULES.md PI-CONSENT-003'),
  zh('用户协议', 'CN app dialogs'),
  zh('服务协议', 'CN app dialogs'),
  zh('隐私权政策', 'CN app dialogs (Alibaba)'),
  en('Privacy Policy', 'A4'),
  en('privacy notice', 'A4'),
  en('Terms of Service', 'A4'),
  en('your privacy', 'A4'),
  en('personal data', 'A4'),
  en('cookies', 'A4'),
];

/** Accept labels, most specific first (A4 accept list; R1 scene 1.1-7 for the CN forms). */
export const ACCEPT_LABELS: readonly Keyword[] = [
  zh('同意并继续', 'CN app dialogs'),
  zh('同意并进入', 'CN app dialogs'),
  zh('我同意', 'CN app dialogs'),
  zh('同意', 'R1 scene 1.1-7'),
  zh('接受', 'CN app dialogs'),
  en('Accept all', 'A4'),
  en('Agree and continue', 'A4'),
  en('I agree', 'A4'),
  en('Agree', 'A4'),
  en('Accept', 'A4'),
  en('Allow all', 'A4'),
];

/** Refuse labels (A4 reject list; 仅浏览 = basic mode, the CN refuse route). */
export const REFUSE_LABELS: readonly Keyword[] = [
  zh('不同意并退出', 'CN app dialogs'),
  zh('不同意', 'R1 scene 1.1-7'),
  zh('暂不同意', 'CN app dialogs'),
  zh('拒绝', 'CN app dialogs'),
  zh('仅浏览', 'CN app dialogs (基本功能模式)'),
  zh('退出应用', 'CN app dialogs'),
  en('Reject all', 'A4'),
  en('Do not agree', 'A4'),
  en("Don't agree", 'A4'),
  en('Disagree', 'A4'),
  en('Decline', 'A4'),
  en('Reject', 'A4'),
  en('Deny', 'A4'),
];

/** Labels that close the notice without a clear choice (DECEIVE-CONSENT-002 reads these). */
export const AMBIGUOUS_LABELS: readonly Keyword[] = [
  zh('我知道了', 'R1 scene 1.1-7'),
  zh('好的', 'R1 scene 1.1-7'),
  zh('继续', 'R1 scene 1.1-7'),
  zh('知道了', 'R1 scene 1.1-7'),
  en('OK', 'A4'),
  en('Got it', 'A4'),
  en('Continue', 'A4'),
];
