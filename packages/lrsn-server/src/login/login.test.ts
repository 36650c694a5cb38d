import { ResultCode } from '@portico/lrsn-codec';
import { describe, expect, it } from 'vitest';
import { type AdmissionState, admit } from './admission.js';
import { hashPassword, ScryptCredentials } from './credentials.js';
import { LoginThrottle } from './throttle.js';

describe('ScryptCredentials', () => {
  it('LR-13 "the user name and password should be a valid pair for the server": hashes verify, other pairs do not', async () => {
    const hash = await hashPassword('correct_password');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(hash).not.toContain('correct_password');
    const store = new ScryptCredentials({ authorized_user: hash });
    expect(await store.verify('authorized_user', 'correct_password')).toBe(true);
    expect(await store.verify('authorized_user', 'correct_passwor')).toBe(false);
    expect(await store.verify('someone', 'correct_password')).toBe(false);
  });

  it('two hashes of one password differ (salted)', async () => {
    expect(await hashPassword('x')).not.toBe(await hashPassword('x'));
  });

  it('a malformed stored hash is refused when the store is built, with LRSN_SERVER_BAD_OPTION', () => {
    expect(() => new ScryptCredentials({ u: 'plaintext' })).toThrow(
      expect.objectContaining({ code: 'LRSN_SERVER_BAD_OPTION', where: 'credentials' }),
    );
  });
});

describe('LoginThrottle', () => {
  it('blocks an address after maxFailures, doubling the block per further failure up to maxBlockMs', () => {
    const t = new LoginThrottle({ maxFailures: 3, baseBlockMs: 1_000, maxBlockMs: 5_000 });
    expect(t.failed('a', 0)).toBe(0);
    expect(t.failed('a', 0)).toBe(0);
    expect(t.failed('a', 0)).toBe(1_000);
    expect(t.blockedUntil('a', 999)).toBe(1_000);
    expect(t.blockedUntil('a', 1_000)).toBe(0);
    expect(t.failed('a', 1_000)).toBe(3_000);
    expect(t.failed('a', 3_000)).toBe(7_000);
    expect(t.failed('a', 7_000)).toBe(12_000); // capped at 5 s
    expect(t.blockedUntil('b', 0)).toBe(0); // other addresses are not affected
    t.succeeded('a');
    expect(t.blockedUntil('a', 7_001)).toBe(0);
  });

  it('remembers at most maxAddresses addresses (the least recently failed go first)', () => {
    const t = new LoginThrottle({ maxAddresses: 2, maxFailures: 1 });
    t.failed('a', 0);
    t.failed('b', 0);
    t.failed('a', 0);
    t.failed('c', 0);
    expect(t.size).toBe(2);
    expect(t.blockedUntil('b', 0)).toBe(0);
    expect(t.blockedUntil('a', 0)).toBeGreaterThan(0);
  });
});

describe('admit', () => {
  const base: AdmissionState = {
    maintenance: false,
    licenceExpires: undefined,
    licensedClients: undefined,
    maxClients: undefined,
    loggedIn: 0,
    connections: 1,
  };
  it('LR-15 "the common responses would be ESUCCESS, ELOGIN, ELICEXCEED, ELICEXPIRE, ESERVDOWN, and EMAXCLIENTS": each from its condition', () => {
    expect(admit(base, 0)).toBe(ResultCode.ESUCCESS);
    expect(admit({ ...base, maintenance: true }, 0)).toBe(ResultCode.ESERVDOWN);
    expect(admit({ ...base, licenceExpires: 10 }, 9)).toBe(ResultCode.ESUCCESS);
    expect(admit({ ...base, licenceExpires: 10 }, 10)).toBe(ResultCode.ELICEXPIRE);
    expect(admit({ ...base, licensedClients: 2, loggedIn: 2 }, 0)).toBe(ResultCode.ELICEXCEED);
    expect(admit({ ...base, licensedClients: 2, loggedIn: 1 }, 0)).toBe(ResultCode.ESUCCESS);
    expect(admit({ ...base, maxClients: 3, connections: 4 }, 0)).toBe(ResultCode.EMAXCLIENTS);
    expect(admit({ ...base, maxClients: 3, connections: 3 }, 0)).toBe(ResultCode.ESUCCESS);
  });
});
