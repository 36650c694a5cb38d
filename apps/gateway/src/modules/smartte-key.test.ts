import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SmartTeServerMachine } from '@portico/smartte-server';
import { describe, expect, it } from 'vitest';
import { keyFingerprintHex, readServerKey } from './smartte-key.js';

const dir = mkdtempSync(join(tmpdir(), 'portico-smartte-key-'));
const file = (name: string, content: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const B8_SERVER_PRIVATE = Uint8Array.from({ length: 32 }, (_, i) => 0x21 + i);

describe('smartte.serverKeyFile (B.6: a long-term key, so device pins hold across restarts)', () => {
  it('reads 32 raw bytes or 64 hex digits; the B.8 key gives the B.8 SERVER_KEY and its SHA-256', async () => {
    const raw = await readServerKey(file('raw.key', B8_SERVER_PRIVATE));
    const hex = await readServerKey(file('hex.key', `${Buffer.from(B8_SERVER_PRIVATE).toString('hex')}\n`));
    expect(raw).toEqual(B8_SERVER_PRIVATE);
    expect(hex).toEqual(B8_SERVER_PRIVATE);
    const publicKey = new SmartTeServerMachine({ serverKey: raw }).serverPublicKey as Uint8Array;
    expect(Buffer.from(publicKey).toString('hex')).toBe(
      '5869aff450549732cbaaed5e5df9b30a6da31cb0e5742bad5ad4a1a768f1a67b',
    );
    expect(keyFingerprintHex(publicKey)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a file that is not a key, and a missing file, with GATEWAY_START_FAILED naming the option', async () => {
    await expect(readServerKey(file('short.key', 'abcd'))).rejects.toMatchObject({
      code: 'GATEWAY_START_FAILED',
      message: expect.stringContaining('smartte.serverKeyFile: expected 32 raw bytes or 64 hex digits'),
    });
    await expect(readServerKey(join(dir, 'missing.key'))).rejects.toMatchObject({
      code: 'GATEWAY_START_FAILED',
      message: expect.stringContaining('cannot read'),
    });
  });
});
