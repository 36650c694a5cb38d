import {
  type ConnectionInfo,
  createSmartTeServer,
  type DeviceGroup,
  type HandshakeStep,
  type HostGroup,
} from '@portico/smartte-server';
import type { SmartteConfig } from '../config/schema.js';
import { PORT_FLAGS } from '../config/flags.js';
import { bindError } from './bind-error.js';
import { keyFingerprintHex, readServerKey } from './smartte-key.js';
import type { ProtocolModule, RunningProtocol } from './types.js';

type Rules = SmartteConfig['defaultGroup']['rules'];

/**
 * The packets behind each handshake step smartte-server reports, numbered as the seed's eight steps (ST-17), so the
 * dashboard draws the handshake as a sequence diagram: `in` from the device, `out` from the gateway.
 */
const STEP_PACKETS: Partial<Record<HandshakeStep, [direction: 'in' | 'out', label: string][]>> = {
  accepted: [['out', 'step 2: connection accept']],
  'get-device-config': [
    ['in', 'step 3: registration request'],
    ['out', 'step 4: registration accept'],
    ['out', 'step 5: getDeviceConfig'],
  ],
  'set-device-config': [
    ['in', 'step 6: device config'],
    ['out', 'step 7: setDeviceConfig'],
  ],
  'set-time': [['out', 'step 8: espSetTime']],
  'host-menu': [['out', 'host menu']],
};

/** The gateway's rules → setDeviceConfig rules (smartte.md B.3), leaving unset ones out. */
function deviceRules(r: Rules): DeviceGroup['rules'] {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as DeviceGroup['rules'];
}

/**
 * The gateway's `smartte` section → createSmartTeServer's options (smartte-server README, "API"). The schema refuses
 * what the server cannot do yet (a licence device limit).
 */
export function smartTeServerOptions(c: SmartteConfig) {
  const hostGroups = new Map<string, HostGroup>(
    c.hostGroups.map((g) => [
      g.name,
      {
        name: g.name,
        hosts: g.hosts.map((h) => ({ id: h.id, name: h.name, host: h.host, port: h.port })),
        ...(g.preferredHost === undefined ? {} : { preferred: g.preferredHost }),
        inactivityTimeoutS: g.inactivityTimeoutS,
      },
    ]),
  );
  const hostGroup = (name: string) => {
    const g = hostGroups.get(name);
    return g === undefined ? {} : { hostGroup: g };
  };
  const groups: DeviceGroup[] = c.deviceGroups.map((g) => ({
    name: g.name,
    ipRanges: g.ipRanges,
    deviceTypes: g.deviceTypes,
    rules: deviceRules(g.rules),
    ...hostGroup(g.hostGroup),
  }));
  return {
    host: c.host,
    port: c.port,
    portRange: { first: c.sessionPorts.first, last: c.sessionPorts.last },
    registrationTimeoutMs: c.registrationTimeoutMs,
    groups,
    defaultGroup: { name: 'default', rules: deviceRules(c.defaultGroup.rules), ...hostGroup(c.defaultGroup.hostGroup) },
  };
}

/** SmartTE in the gateway: smartte-server's createSmartTeServer, watched through its public events. */
export const smartteModule: ProtocolModule<SmartteConfig> = {
  protocol: 'smartte',
  rolePackage: '@portico/smartte-server',
  async start(config, ctx): Promise<RunningProtocol> {
    const serverKey = config.serverKeyFile === undefined ? undefined : await readServerKey(config.serverKeyFile);
    let server: Awaited<ReturnType<typeof createSmartTeServer>>;
    try {
      server = await createSmartTeServer({ ...smartTeServerOptions(config), ...(serverKey ? { serverKey } : {}) });
    } catch (e) {
      throw bindError('SmartTE', config.host, config.port, PORT_FLAGS.smartte, e) ?? e;
    }
    const { sessions, log } = ctx;
    const publicKey = server.machine.serverPublicKey;
    if (publicKey) {
      // B.6 threat model: what a device pins (smartte-client's serverKeyFingerprint); stable only with serverKeyFile.
      log.info(
        { protocol: 'smartte', serverKeySha256: keyFingerprintHex(publicKey), fromFile: serverKey !== undefined },
        'SmartTE server key',
      );
    }
    const id = (c: { uid: string; sessionIndex: number }) => `${c.uid}.${c.sessionIndex}`;
    const key = (c: ConnectionInfo) => `smartte-${id(c)}`;
    const update = (c: ConnectionInfo, event: string, direction?: 'in' | 'out') =>
      sessions.update(key(c), event, {
        ...(direction === undefined ? {} : { direction }),
        state: c.step,
        info: {
          deviceType: c.deviceType,
          sessionPort: c.sessionPort,
          ...(c.group === undefined ? {} : { group: c.group }),
        },
      });
    const step = (c: ConnectionInfo, event: string, direction?: 'in' | 'out') => {
      const packets = STEP_PACKETS[c.step];
      if (packets === undefined) update(c, event, direction);
      else for (const [d, label] of packets) update(c, label, d);
    };
    server.on('connection', (e) => {
      sessions.open('smartte', id(e.connection), `${e.connection.address}:${e.connection.port}`, e.connection.step, {
        uid: e.connection.uid,
        sessionPort: e.connection.sessionPort,
      });
      sessions.update(key(e.connection), 'step 1: connection request', { direction: 'in' });
    });
    server.on('step', (e) => step(e.connection, `step ${e.connection.step}`));
    server.on('ready', (e) => {
      sessions.count('smartte', 'handshakes', 1, { result: 'completed' });
      update(e.connection, 'ready: step 8 acknowledged', 'in');
    });
    server.on('host', (e) => update(e.connection, `host ${e.host.name}`));
    // A DATA payload is what a user typed (passwords among it): redacted unless a token holder asks (issue 15 §3).
    server.on('data', (e) =>
      sessions.update(`smartte-${id(e)}`, 'data', {
        direction: 'in',
        count: { bytesIn: e.data.length },
        detail: { bytes: e.data.length },
        secret: { payloadHex: Buffer.from(e.data).toString('hex') },
      }),
    );
    server.on('alert', (e) => {
      // Only an alert that ends a handshake counts as a failed one; a resumed or taken-over session is not a failure.
      if (e.code === 'REGISTRATION_INCOMPLETE' || e.code === 'ENCRYPTION_REQUIRED' || e.code === 'SESSION_LIMIT') {
        sessions.count('smartte', 'handshakes', 1, { result: 'failed' });
      }
      sessions.alert({ protocol: 'smartte', level: 'warn', code: `SMARTTE_${e.code}`, message: `${e.uid}: ${e.text}` });
    });
    server.on('rejected', (e) => {
      sessions.count('smartte', 'rejected', 1, { reason: String(e.reason) });
      log.info({ protocol: 'smartte', address: e.address, port: e.port, reason: e.reason }, 'connection rejected');
    });
    server.on('dropped', (e) => {
      sessions.count('smartte', 'dropped', 1);
      log.debug({ protocol: 'smartte', ...e }, 'datagram dropped');
    });
    server.on('ended', (e) => sessions.close(key(e.connection), e.reason));
    return {
      listening: [
        {
          what: 'SmartTE (UDP)',
          transport: 'udp',
          host: server.address.address,
          port: server.address.port,
          flag: PORT_FLAGS.smartte,
        },
      ],
      disconnect: async (sessionId) => {
        // The gateway's id is `<uid>.<session index>`; a uid may itself hold dots.
        const dot = sessionId.lastIndexOf('.');
        return server.disconnect(sessionId.slice(0, dot), Number(sessionId.slice(dot + 1)));
      },
      close: () => server.close(),
    };
  },
};
