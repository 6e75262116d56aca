/**
 * `npm run bench -- matcher [MB]`: throughput of the personal-data matcher over mixed request bodies
 * (JSON, forms, base64, binary, text; ~2% carry a planted identity value) against a full identity, and
 * `grep -F -c -f PATTERNS` over the same bytes with the same variant strings, measured in the same run.
 *
 * Protobuf bodies are measured apart (`protobufMbPerSec`), so the mixed figure stays comparable.
 *
 * The matcher figure is `matchRequest` end to end (automaton pass, layer sniffing, JSON/form walks where
 * something was found, base64 decoding), not the bare automaton; that one is printed too.
 *
 * Throughput is bytes per second of CPU time (ours from process.cpuUsage, grep's from bash `times`), so the
 * figures hold on a loaded shared machine; wall-clock figures are printed and reported beside them.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileIdentity, listVariants, matchRequest } from '../../src/analysis/matcher/index.ts';
import { identitySchema } from '../../src/config/identity.ts';
import { line, result, round } from './lib.ts';

const totalMb = Number(process.argv[2] ?? 200);

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
}
const TOTAL = totalMb * 1024 * 1024;

const identity = identitySchema.parse({
  imei: ['860123456789012', '860123456789020'],
  meid: ['A0000012345678'],
  imsi: ['460001234567890'],
  iccid: ['89860012345678901234'],
  androidId: '9a8b7c6d5e4f3a2b',
  serial: 'R58M12ABCDE',
  wifiMac: 'ac:de:48:00:11:22',
  bluetoothMac: 'ac:de:48:00:11:23',
  bssid: '10:20:30:40:50:60',
  ssid: '"HomeNetwork-5G"',
  phoneNumber: ['+8613812345678'],
  adId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
  oaid: 'f1e2d3c4-b5a6-9788-6950-4a3b2c1d0e0f',
  email: ['alice.test@example.com'],
  location: { lat: 39.908722, lon: 116.397499 },
  contacts: [{ name: 'Canary Contact Zhang', phone: '+8613998765432' }],
  clipboard: ['appwarden-clip-7f3a9c'],
  sms: ['Your appwarden canary code is 839201'],
  deviceName: 'Pixel 7 of Alice',
  installedPackages: ['com.appwarden.canary.one'],
});

// Deterministic pseudo-random numbers and bytes so runs are comparable (the same bodies every run).
let seed = 42;
function rnd(n: number): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
}
let byteSeed = 0x9e3779b9;
function randomBytes(n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) {
    // xorshift32
    byteSeed ^= byteSeed << 13;
    byteSeed ^= byteSeed >>> 17;
    byteSeed ^= byteSeed << 5;
    out[i] = byteSeed & 0xff;
  }
  return out;
}

const WORDS = [
  'item',
  'price',
  'title',
  'user',
  'event',
  'session',
  'ts',
  'ver',
  'channel',
  'model',
  'city',
  'tags',
];
function jsonBody(size: number): Buffer {
  const rows: unknown[] = [];
  let approx = 0;
  while (approx < size) {
    const row: Record<string, unknown> = {};
    for (let k = 0; k < 6; k++) {
      const key = WORDS[rnd(WORDS.length)] as string;
      row[key] =
        rnd(3) === 0
          ? rnd(1_000_000) / 100
          : rnd(2) === 0
            ? randomBytes(8).toString('hex')
            : `${key}-${rnd(99999)}`;
    }
    if (rnd(10) === 0) row.note = '\u4e2d\u6587 "quoted" text/with/slashes';
    rows.push(row);
    approx += 130;
  }
  return Buffer.from(JSON.stringify({ code: 0, data: rows }));
}

function formBody(size: number): Buffer {
  const parts: string[] = [];
  let approx = 0;
  while (approx < size) {
    const p = `${WORDS[rnd(WORDS.length)]}${rnd(50)}=${encodeURIComponent(randomBytes(6).toString('base64'))}`;
    parts.push(p);
    approx += p.length + 1;
  }
  return Buffer.from(parts.join('&'));
}

const PLANTS: (() => string)[] = [
  () => '860123456789012',
  () => createHash('md5').update('ACDE48001122').digest('hex'),
  () => Buffer.from('alice.test@example.com').toString('base64'),
  () => createHash('sha256').update('3f2504e0-4f89-11d3-9a0c-0305e82c3301').digest('hex').toUpperCase(),
  () => '13812345678',
];

interface Body {
  contentType: string;
  bytes: Buffer;
  planted: boolean;
}

function freshBody(): Body {
  const size = 1024 * (1 + rnd(255));
  const kind = rnd(100);
  if (kind < 35) return { contentType: 'application/json', bytes: jsonBody(size), planted: false };
  if (kind < 50)
    return { contentType: 'application/x-www-form-urlencoded', bytes: formBody(size), planted: false };
  if (kind < 70) {
    const inner = rnd(2) === 0 ? randomBytes(size) : jsonBody(size);
    return { contentType: 'text/plain', bytes: Buffer.from(inner.toString('base64')), planted: false };
  }
  if (kind < 90) return { contentType: 'application/octet-stream', bytes: randomBytes(size), planted: false };
  const html = '<p>Lorem ipsum dolor sit amet, consectetur 2024.11.28</p>'.repeat(size / 56);
  return {
    contentType: 'text/html',
    bytes: Buffer.from(`<html><body>${html}</body></html>`),
    planted: false,
  };
}

// A pool of distinct bodies, drawn from until the total is reached (generating 200 MB of fresh JSON
// would take longer than scanning it); ~2% of the drawn bodies get a value planted at a random offset.
const POOL = Array.from({ length: 160 }, freshBody);
function makeBody(): Body {
  const b = POOL[rnd(POOL.length)] as Body;
  if (rnd(50) !== 0) return b;
  const value = Buffer.from(`"${(PLANTS[rnd(PLANTS.length)] as () => string)()}"`);
  const at = rnd(b.bytes.length);
  const bytes = Buffer.concat([
    b.bytes.subarray(0, at),
    Buffer.from(' '),
    value,
    Buffer.from(' '),
    b.bytes.subarray(at),
  ]);
  return { contentType: b.contentType, bytes, planted: true };
}

// Protobuf bodies, measured apart from the mix above (which stays comparable with earlier runs): batches
// of analytics events with strings, varints and doubles, as an SDK uploads them; ~2% carry the IMEI as
// a varint, found only by decoding the wire format.
function pbVarint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}
const pbField = (num: number, wire: number): number[] => pbVarint(num * 8 + wire);
const pbLen = (num: number, bytes: number[]): number[] => [
  ...pbField(num, 2),
  ...pbVarint(bytes.length),
  ...bytes,
];
function protobufBody(size: number, plant: boolean): Buffer {
  const events: number[][] = [];
  let approx = 0;
  while (approx < size) {
    const d = Buffer.alloc(8);
    d.writeDoubleLE(rnd(1_000_000) / 1000);
    const ev = [
      ...pbLen(1, [...Buffer.from(`${WORDS[rnd(WORDS.length)]}_${rnd(9999)}`)]),
      ...pbField(2, 0),
      ...pbVarint(1_732_000_000_000 + rnd(1_000_000)),
      ...pbLen(3, [...randomBytes(8)]),
      ...pbField(4, 1),
      ...d,
      ...pbLen(5, [...Buffer.from(randomBytes(12).toString('hex'))]),
    ];
    events.push(pbLen(1, ev));
    approx += ev.length + 3;
  }
  if (plant) events.push(pbLen(2, [...pbField(3, 0), ...pbVarint(860123456789012)]));
  return Buffer.from(events.flat());
}
const PROTOBUF_POOL = Array.from({ length: 40 }, (_, i) => protobufBody(1024 * (1 + rnd(255)), i % 20 === 0));

line(`matcher benchmark: ${totalMb} MB of mixed bodies`);
let t0 = performance.now();
const ci = compileIdentity(identity);
const compileMs = performance.now() - t0;
const patterns = [...new Set(listVariants(ci).map((v) => v.text))];
line(
  `identity compiled in ${round(compileMs, 0)} ms: ${patterns.length} variants, ${ci.automaton.stateCount} states, ` +
    `${round(ci.automaton.tableBytes / 1024 / 1024, 1)} MB of tables`,
);

t0 = performance.now();
const bodies: Body[] = [];
let bytes = 0;
while (bytes < TOTAL) {
  const b = makeBody();
  bodies.push(b);
  bytes += b.bytes.length;
}
line(
  `generated ${bodies.length} bodies, ${round(bytes / 1024 / 1024, 1)} MB, in ${round(performance.now() - t0, 0)} ms`,
);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-bench-matcher-'));
try {
  const dataFile = path.join(dir, 'bodies.bin');
  const patternFile = path.join(dir, 'patterns.txt');
  const fd = fs.openSync(dataFile, 'w');
  for (const b of bodies) {
    fs.writeSync(fd, b.bytes);
    fs.writeSync(fd, '\n');
  }
  fs.closeSync(fd);
  fs.writeFileSync(patternFile, `${patterns.join('\n')}\n`);

  // Warm-up on a slice, then the measured pass.
  for (const b of bodies.slice(0, 50)) {
    matchRequest(ci, {
      method: 'POST',
      url: 'https://bench.example.net/c',
      headers: [['Content-Type', b.contentType]],
      body: b.bytes,
    });
  }
  t0 = performance.now();
  let cpu0 = process.cpuUsage();
  let matches = 0;
  let plantedFound = 0;
  for (const b of bodies) {
    const m = matchRequest(ci, {
      method: 'POST',
      url: 'https://bench.example.net/c',
      headers: [['Content-Type', b.contentType]],
      body: b.bytes,
    });
    matches += m.length;
    if (b.planted && m.length > 0) plantedFound++;
  }
  const matchSec = (performance.now() - t0) / 1000;
  const matchCpuSec = cpuSeconds(process.cpuUsage(cpu0));
  const planted = bodies.filter((b) => b.planted).length;
  const mb = bytes / 1024 / 1024;
  line(
    `matchRequest: ${round(mb / matchCpuSec, 1)} MB/s of CPU time (${round(matchCpuSec, 2)} s), ` +
      `${round(mb / matchSec, 1)} MB/s wall; ${matches} matches, planted found ${plantedFound}/${planted}`,
  );

  // Protobuf: a tenth of the total, drawn from the pool.
  let pbBytes = 0;
  let pbPlanted = 0;
  let pbFound = 0;
  cpu0 = process.cpuUsage();
  for (let i = 0; pbBytes < TOTAL / 10; i++) {
    const body = PROTOBUF_POOL[i % PROTOBUF_POOL.length] as Buffer;
    pbBytes += body.length;
    const m = matchRequest(ci, {
      method: 'POST',
      url: 'https://bench.example.net/pb',
      headers: [['Content-Type', 'application/x-protobuf']],
      body,
    });
    if ((i % PROTOBUF_POOL.length) % 20 === 0) pbPlanted++;
    if (m.some((x) => x.encoding === 'protobuf>varint')) pbFound++;
  }
  const pbCpuSec = cpuSeconds(process.cpuUsage(cpu0));
  const protobufMbPerSec = pbBytes / 1024 / 1024 / pbCpuSec;
  line(
    `matchRequest on protobuf bodies: ${round(protobufMbPerSec, 1)} MB/s of CPU time ` +
      `(${round(pbBytes / 1024 / 1024, 1)} MB); IMEI varints found ${pbFound}/${pbPlanted}`,
  );

  cpu0 = process.cpuUsage();
  for (const b of bodies) ci.automaton.scan(b.bytes, () => undefined);
  line(`automaton pass alone: ${round(mb / cpuSeconds(process.cpuUsage(cpu0)), 1)} MB/s of CPU time`);

  // Same bytes, same variant strings; LC_ALL=C so grep compares bytes (its fastest mode). bash's `times`
  // reports the child's CPU time, comparable with ours however loaded the machine is.
  t0 = performance.now();
  const script = 'grep -F -c -f "$1" "$2"; s=$?; times; exit $s';
  const run = spawnSync('bash', ['-c', script, 'grep-bench', patternFile, dataFile], {
    env: { ...process.env, LC_ALL: 'C' },
    maxBuffer: 1024 * 1024,
  });
  const grepSec = (performance.now() - t0) / 1000;
  const outLines = run.stdout.toString().trim().split('\n');
  const grepCount = outLines[0] ?? '';
  const childTimes = (outLines[2] ?? '').match(/(\d+)m([\d.]+)s/g) ?? [];
  const grepCpuSec = childTimes.reduce((sum, t) => {
    const m = /(\d+)m([\d.]+)s/.exec(t);
    return sum + (m ? Number(m[1]) * 60 + Number(m[2]) : 0);
  }, 0);
  const grepMb = fs.statSync(dataFile).size / 1024 / 1024;
  line(
    `grep -F -c -f PATTERNS: ${round(grepMb / grepCpuSec, 1)} MB/s of CPU time (${round(grepCpuSec, 2)} s), ` +
      `${round(grepMb / grepSec, 1)} MB/s wall; ${grepCount} matching lines`,
  );
  const mbPerSec = mb / matchCpuSec;
  const grepMbPerSec = grepMb / grepCpuSec;
  line(
    `ratio matcher / grep: ${round(mbPerSec / grepMbPerSec, 2)} (target >= 0.3); matcher target >= 150 MB/s`,
  );
  line(
    `machine load while measuring: ${os
      .loadavg()
      .map((l) => round(l, 1))
      .join(' ')} on ${os.cpus().length} cores`,
  );
  result('matcher', {
    mbPerSec: round(mbPerSec, 1),
    grepMbPerSec: round(grepMbPerSec, 1),
    wallMbPerSec: round(mb / matchSec, 1),
    grepWallMbPerSec: round(grepMb / grepSec, 1),
    ratio: round(mbPerSec / grepMbPerSec, 2),
    protobufMbPerSec: round(protobufMbPerSec, 1),
    variants: patterns.length,
  });
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
