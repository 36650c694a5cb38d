import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { GatewayError } from '../errors.js';

/**
 * Reads `smartte.serverKeyFile`: the SmartTE server's long-term X25519 private key (smartte.md B.6), as 32 raw bytes
 * or as 64 hex digits (surrounding white space ignored). A key kept in a file keeps the fingerprint devices pin
 * across restarts; without one, smartte-server makes a new key at every start.
 */
export async function readServerKey(path: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new GatewayError('GATEWAY_START_FAILED', `smartte.serverKeyFile: cannot read ${path} (${String(e)})`, {
      cause: e,
    });
  }
  if (bytes.length === 32) return new Uint8Array(bytes);
  const text = bytes.toString('latin1').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return new Uint8Array(Buffer.from(text, 'hex'));
  throw new GatewayError(
    'GATEWAY_START_FAILED',
    `smartte.serverKeyFile: expected 32 raw bytes or 64 hex digits (an X25519 private key) in ${path}, got ${bytes.length} bytes`,
  );
}

/** The SHA-256 of a SERVER_KEY in hex: what a device pins (smartte.md B.6, `serverKeyFingerprint`). */
export const keyFingerprintHex = (publicKey: Uint8Array): string =>
  createHash('sha256').update(publicKey).digest('hex');
