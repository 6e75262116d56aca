/**
 * Just enough of a TLS ClientHello parser to read the SNI host name before deciding whether to
 * intercept a connection or tunnel it untouched (RFC 8446 §4.1.2, RFC 6066 §3).
 */

export function looksLikeTls(first: Buffer): boolean {
  // Handshake record (0x16) with a TLS 1.x record version.
  return first.length >= 3 && first[0] === 0x16 && first[1] === 0x03;
}

export function looksLikeHttp(first: Buffer): boolean {
  return /^[A-Z]{3,10} \S/.test(first.subarray(0, 16).toString('latin1'));
}

/** The server name of a ClientHello, or undefined if absent or the record is incomplete/malformed. */
export function readSni(buf: Buffer): string | undefined {
  try {
    let p = 5; // record header
    if (buf[p] !== 0x01) return undefined; // handshake type: ClientHello
    p += 4; // type + 24-bit length
    p += 2 + 32; // client_version + random
    p += 1 + (buf[p] as number); // session_id
    p += 2 + buf.readUInt16BE(p); // cipher_suites
    p += 1 + (buf[p] as number); // compression_methods
    const extEnd = p + 2 + buf.readUInt16BE(p);
    p += 2;
    while (p + 4 <= extEnd && p + 4 <= buf.length) {
      const type = buf.readUInt16BE(p);
      const len = buf.readUInt16BE(p + 2);
      p += 4;
      if (type === 0x0000) {
        // server_name_list: 2-byte list length, then entries of (type, 2-byte length, name)
        let q = p + 2;
        const end = p + len;
        while (q + 3 <= end) {
          const nameType = buf[q] as number;
          const nameLen = buf.readUInt16BE(q + 1);
          q += 3;
          if (nameType === 0 && q + nameLen <= buf.length) return buf.toString('ascii', q, q + nameLen);
          q += nameLen;
        }
        return undefined;
      }
      p += len;
    }
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    // A ClientHello cut short: treat as having no name (the caller falls back to the CONNECT host).
  }
  return undefined;
}
