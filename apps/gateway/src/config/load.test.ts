import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors.js';
import { applyFlags } from './flags.js';
import { validateConfig } from './load.js';

function problems(raw: unknown): { path: string; message: string }[] {
  try {
    validateConfig(raw, 'test.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(GatewayError);
    expect((e as GatewayError).code).toBe('GATEWAY_CONFIG_INVALID');
    return (e as GatewayError).details.issues ?? [];
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('the embedded default is the issue 15 §1 set-up: SmartTE 3006 with 5000–5999, LRSN 3700 login none heartbeat 60 s, PQ 6000 simulator', () => {
    const c = validateConfig({}, 'default');
    expect(c.smartte).toMatchObject({ enabled: true, port: 3006, sessionPorts: { first: 5000, last: 5999 } });
    expect(c.smartte.defaultGroup.hostGroup).toBe('default');
    expect(c.smartte.hostGroups).toEqual([{ name: 'default', hosts: [], inactivityTimeoutS: 10_800 }]);
    expect(c.lrsn).toMatchObject({
      enabled: true,
      port: 3700,
      login: { method: 'none' },
      heartbeat: { intervalS: 60 },
    });
    expect(c.lrsn.backend.kind).toBe('simulator');
    expect(c.pq).toMatchObject({ enabled: true, port: 6000, host: '127.0.0.1', backend: { kind: 'simulator' } });
    expect(c.admin).toMatchObject({ enabled: true, host: '127.0.0.1' });
    expect(c.registry.kind).toBe('memory');
  });

  it('refuses an invalid file listing every problem by its path', () => {
    const issues = problems({
      pq: { port: 70000, backend: { kind: 'simulator', detectors: [{ rateCps: -1, lifetimeNs: 2 }] } },
      lrsn: { login: { method: 'passwd' }, colour: 'red' },
      smartte: {
        deviceGroups: [{ name: 'dock', ipRanges: ['10.0.0.0/33'], rules: { encryptionLevel: 3 }, hostGroup: 'wms' }],
      },
    });
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'pq.port',
        'pq.backend.detectors[0].rateCps',
        'lrsn.colour',
        'lrsn.login.users',
        'smartte.deviceGroups[0].ipRanges[0]',
        'smartte.deviceGroups[0].rules.encryptionLevel',
      ]),
    );
    expect(issues.find((i) => i.path === 'lrsn.colour')?.message).toBe('unknown option');
  });

  it('checks references between sections once the sections themselves are valid', () => {
    const issues = problems({
      smartte: {
        deviceGroups: [{ name: 'dock', hostGroup: 'wms' }],
        hostGroups: [{ name: 'default', hosts: [{ id: 1, name: 'a', host: 'h' }], preferredHost: 2 }],
      },
    });
    expect(issues).toEqual([
      { path: 'smartte.deviceGroups[0].hostGroup', message: 'no host group named "wms"' },
      { path: 'smartte.hostGroups[0].preferredHost', message: 'no host with id 2 in this group' },
    ]);
  });

  it('requires TLS for an admin server off loopback, and an upstream PQ time-out shorter than ours', () => {
    expect(problems({ admin: { host: '0.0.0.0' } }).map((i) => i.path)).toEqual(['admin.tls']);
    expect(validateConfig({ admin: { host: '::1' } }, 't').admin.host).toBe('::1');
    expect(
      problems({ pq: { replyTimeoutMs: 2000, backend: { kind: 'upstream', host: 'spt', replyTimeoutMs: 2500 } } }),
    ).toEqual([expect.objectContaining({ path: 'pq.backend.replyTimeoutMs' })]);
  });

  it('a file that is not a mapping is refused at the top level', () => {
    expect(problems(applyFlags('just text' as never, { pqPort: 1 }))).toEqual([
      expect.objectContaining({ path: '(top level)' }),
    ]);
  });

  it('flags win over the file', () => {
    const c = validateConfig(
      applyFlags(
        { pq: { port: 7000, replyTimeoutMs: 5000 }, admin: { port: 1 } },
        {
          pqPort: 0,
          adminPort: 0,
          smarttePort: 0,
          smartteSessionPorts: { first: 6000, last: 6099 },
          logLevel: 'warn',
        },
      ),
      't',
    );
    expect(c.pq).toMatchObject({ port: 0, replyTimeoutMs: 5000 });
    expect(c.admin.port).toBe(0);
    expect(c.smartte).toMatchObject({ port: 0, sessionPorts: { first: 6000, last: 6099 } });
    expect(c.log.level).toBe('warn');
  });
});
