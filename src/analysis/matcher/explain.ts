import type { Match } from '../../evidence/types.ts';
import { IDENTITY_FIELD_INFO } from '../data/identity-fields.ts';

/** Words for each step of an encoding chain, as they appear in explanations. */
const STEP_WORDS: Record<string, string> = {
  plain: 'plain text',
  gzip: 'gzip',
  deflate: 'deflate',
  br: 'brotli',
  json: 'JSON',
  form: 'a form',
  multipart: 'a multipart body',
  url: 'URL-encoded text',
  hex: 'hex',
  base64: 'base64',
  base64url: 'URL-safe base64',
  protobuf: 'protobuf',
  grpc: 'a gRPC message',
  varint: 'a varint',
  sint: 'a zigzag varint',
  fixed64: 'a 64-bit fixed-width integer',
  fixed32: 'a 32-bit fixed-width integer',
  double: 'a double',
  float: 'a float',
  'int-e6': 'whole numbers scaled by 10^6',
  'int-e7': 'whole numbers scaled by 10^7',
};

/** Paths of protobuf fields: field numbers, with an index for repeated fields (`1[2].3`). */
const PROTOBUF_PATH = /^(\[\d+\]\.)?\d+(\[\d+\])?(\.\d+(\[\d+\])?)*$/;

const DIGEST_WORDS: Record<string, string> = {
  md5: 'MD5',
  sha1: 'SHA-1',
  sha224: 'SHA-224',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
};

function stepWords(step: string): string {
  const known = STEP_WORDS[step];
  if (known) return known;
  const [alg, form] = step.split('-');
  const digest = alg ? DIGEST_WORDS[alg] : undefined;
  if (digest && form)
    return `an ${digest} hash written as ${STEP_WORDS[form] ?? form}`.replace(/^an S/, 'a S');
  return step;
}

function placeWords(m: Match): string {
  const path = m.path === undefined ? '' : m.path;
  switch (m.where) {
    case 'url':
      return 'the URL';
    case 'query':
      return path ? `the query parameter "${path}"` : 'the query string';
    case 'header':
      return path ? `the "${path}" header` : 'a header';
    case 'cookie':
      return path ? `the cookie "${path}"` : 'a cookie';
    case 'body':
      if (path && PROTOBUF_PATH.test(path)) return `the request body at protobuf field ${path}`;
      return path ? `the request body at ${path}` : 'the request body';
  }
}

/** One sentence for a report, e.g. `The IMEI was sent in the request body at $.d, as base64 inside JSON inside gzip.` */
export function explainMatch(m: Match): string {
  const label = IDENTITY_FIELD_INFO[m.type]?.label ?? `the ${m.type}`;
  const subject = label.charAt(0).toUpperCase() + label.slice(1);
  const steps = m.encoding.split('>').filter((s) => s.length > 0);
  const how =
    steps.length === 0 || (steps.length === 1 && steps[0] === 'plain')
      ? 'as plain text'
      : `as ${steps.reverse().map(stepWords).join(' inside ')}`;
  return `${subject} was sent in ${placeWords(m)}, ${how}.`;
}
