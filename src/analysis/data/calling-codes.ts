/**
 * ITU-T E.164 country calling codes, as needed to split an international number into country code and
 * national number. The codes are prefix-free: `1` and `7` are the only one-digit codes, the two-digit
 * codes are listed below, and every other code has three digits.
 *
 * Source: ITU-T E.164 Annex to ITU Operational Bulletin, "List of ITU-T Recommendation E.164 assigned
 * country codes" (https://www.itu.int/pub/T-SP-E.164D), zones 2–9.
 */
export const ONE_DIGIT_CALLING_CODES: readonly string[] = ['1', '7'];

export const TWO_DIGIT_CALLING_CODES: readonly string[] = [
  '20',
  '27',
  '30',
  '31',
  '32',
  '33',
  '34',
  '36',
  '39',
  '40',
  '41',
  '43',
  '44',
  '45',
  '46',
  '47',
  '48',
  '49',
  '51',
  '52',
  '53',
  '54',
  '55',
  '56',
  '57',
  '58',
  '60',
  '61',
  '62',
  '63',
  '64',
  '65',
  '66',
  '81',
  '82',
  '84',
  '86',
  '90',
  '91',
  '92',
  '93',
  '94',
  '95',
  '98',
];

/** Splits the digits of an international number (without `+`/`00`) into country code and national number. */
export function splitCallingCode(digits: string): { cc: string; national: string } {
  const len = ONE_DIGIT_CALLING_CODES.includes(digits.slice(0, 1))
    ? 1
    : TWO_DIGIT_CALLING_CODES.includes(digits.slice(0, 2))
      ? 2
      : 3;
  return { cc: digits.slice(0, len), national: digits.slice(len) };
}
