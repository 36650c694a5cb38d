import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkRequest, type GuardSettings } from './guard.js';

const settings: GuardSettings = { host: '127.0.0.1', port: 9600, tls: false, token: 'a'.repeat(32), allowedHosts: [] };
const req = (method: string, headers: Record<string, string>) => ({ method, headers }) as unknown as IncomingMessage;

describe('admin request checks (issue 15 §3)', () => {
  it('accepts the loopback names of this server and refuses any other Host (DNS rebinding)', () => {
    for (const host of ['127.0.0.1:9600', 'localhost:9600', '[::1]:9600']) {
      expect(checkRequest(req('GET', { host }), settings)).toBeUndefined();
    }
    expect(checkRequest(req('GET', { host: 'evil.example:9600' }), settings)?.code).toBe('ADMIN_BAD_HOST');
    expect(checkRequest(req('GET', {}), settings)?.code).toBe('ADMIN_BAD_HOST');
    expect(
      checkRequest(req('GET', { host: 'gw.lab:9600' }), { ...settings, allowedHosts: ['gw.lab:9600'] }),
    ).toBeUndefined();
  });

  it('refuses a cross-site Origin', () => {
    const host = '127.0.0.1:9600';
    expect(checkRequest(req('GET', { host, origin: 'http://127.0.0.1:9600' }), settings)).toBeUndefined();
    expect(checkRequest(req('GET', { host, origin: 'http://evil.example' }), settings)?.code).toBe('ADMIN_BAD_ORIGIN');
    expect(checkRequest(req('GET', { host, origin: 'https://127.0.0.1:9600' }), settings)?.code).toBe(
      'ADMIN_BAD_ORIGIN',
    );
    expect(checkRequest(req('GET', { host, 'sec-fetch-site': 'cross-site' }), settings)?.code).toBe('ADMIN_BAD_ORIGIN');
  });

  it('needs the token for every route that changes something, on loopback too', () => {
    const host = '127.0.0.1:9600';
    expect(checkRequest(req('POST', { host }), settings)).toMatchObject({ status: 401, code: 'ADMIN_TOKEN_REQUIRED' });
    expect(checkRequest(req('DELETE', { host, authorization: 'Bearer nope' }), settings)).toMatchObject({
      status: 403,
      code: 'ADMIN_BAD_TOKEN',
    });
    expect(checkRequest(req('POST', { host, authorization: `Bearer ${settings.token}` }), settings)).toBeUndefined();
  });
});
