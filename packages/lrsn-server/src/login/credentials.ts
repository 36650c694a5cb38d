import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { LrsnServerError, LrsnServerErrorCode } from '../errors.js';

/** Checks a user and password of `<Login user passwd>` (LR-13: "should be a valid pair for the server"). */
export interface CredentialStore {
  /** True when `passwd` is the password of `user` (LR-13); must take the same time for unknown users. */
  verify(user: string, passwd: string): Promise<boolean>;
}

/** scrypt cost parameters: N = 2^14, r = 8, p = 1 (OWASP's minimum for scrypt), 32-byte key, 16-byte salt. */
const COST = { N: 16_384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const PREFIX = 'scrypt';

function derive(passwd: string, salt: Buffer, cost: ScryptOptions, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(passwd.normalize('NFC'), salt, length, { ...cost, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/**
 * Hashes a password for a credential store: `scrypt$N$r$p$<salt base64>$<key base64>`. Passwords are never stored in
 * the clear (issue 18: "stored hashed with scrypt").
 */
export async function hashPassword(passwd: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(passwd, salt, COST, KEY_LENGTH);
  return [PREFIX, COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

interface Parsed {
  cost: ScryptOptions;
  salt: Buffer;
  key: Buffer;
}

function parse(user: string, hash: string): Parsed {
  const parts = hash.split('$');
  const [prefix, n, r, p, salt, key] = parts;
  const N = Number(n);
  const R = Number(r);
  const P = Number(p);
  if (parts.length !== 6 || prefix !== PREFIX || !(N > 1) || !(R > 0) || !(P > 0) || !salt || !key) {
    throw new LrsnServerError({
      code: LrsnServerErrorCode.BadOption,
      what: `password hash of user ${JSON.stringify(user)}`,
      expected: 'scrypt$N$r$p$<salt base64>$<key base64> (from hashPassword)',
      got: hash.length > 40 ? `${hash.slice(0, 40)}…` : hash,
      where: 'credentials',
    });
  }
  return { cost: { N, r: R, p: P }, salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') };
}

/**
 * An in-memory credential store of scrypt hashes. Keys are compared in constant time (`timingSafeEqual`), and an
 * unknown user costs the same scrypt run as a known one, so timing tells neither whether a user exists nor how much of
 * a password was right.
 */
export class ScryptCredentials implements CredentialStore {
  private readonly users = new Map<string, Parsed>();
  private readonly dummy: Parsed = { cost: COST, salt: randomBytes(16), key: randomBytes(KEY_LENGTH) };

  /** `hashes` maps user names to hashPassword() results; a malformed hash throws LRSN_SERVER_BAD_OPTION at once. */
  constructor(hashes: Readonly<Record<string, string>> | ReadonlyMap<string, string>) {
    const entries = hashes instanceof Map ? [...hashes] : Object.entries(hashes);
    for (const [user, hash] of entries) this.users.set(user, parse(user, hash));
  }

  /** Checks with scrypt and `timingSafeEqual`; an unknown user is checked against a dummy hash (same cost). */
  async verify(user: string, passwd: string): Promise<boolean> {
    const entry = this.users.get(user);
    const target = entry ?? this.dummy;
    const key = await derive(passwd, target.salt, target.cost, target.key.length);
    return timingSafeEqual(key, target.key) && entry !== undefined;
  }
}
