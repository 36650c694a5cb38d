import { latin1, type TextEncoding, windows1252 } from '@portico/pq-codec';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Whether a name decoded with the server's encoding shows that the client used another one (issue 12 §10), so the
 * file would get a garbled name while the client reports the intended one. Names on the wire carry no encoding
 * (pq.md §10), so this reads the bytes: on a single-byte server, non-ASCII bytes that form valid UTF-8 (a client on
 * UTF-8: "日本語" arrives as "æ—¥æœ¬èªž"); on a UTF-8 server, bytes that are not UTF-8 (decoded as U+FFFD). Real
 * windows-1252 names ("64px²") are not valid UTF-8 and pass. Returns the reason, or undefined when they agree.
 */
export function encodingMismatch(name: string, encoding: TextEncoding): string | undefined {
  if (encoding === 'utf-8') {
    return name.includes('\uFFFD') ? 'its bytes are not UTF-8, as this server decodes names' : undefined;
  }
  const codec = encoding === 'windows-1252' ? windows1252 : encoding === 'latin1' ? latin1 : undefined;
  if (codec === undefined) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = codec.encode(name);
  } catch {
    return undefined;
  }
  if (!bytes.some((b) => b >= 0x80)) return undefined;
  try {
    strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
  return `its bytes are UTF-8 ("${strictUtf8.decode(bytes)}") but this server decodes names as ${encoding}`;
}
