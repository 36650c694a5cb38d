import { isIP } from 'node:net';
import { z } from 'zod';
import { isLoopback } from '../net.js';

/**
 * The gateway's configuration (issue 15 §2): every option of every server, validated before anything starts so a bad
 * file is never half-applied. Parsing `{}` gives the embedded default (issue 15 §1). Sections for protocols whose
 * role package is not in this build are still validated, so a file written today keeps working when they land.
 */

const port = z.number().int().min(0).max(65535);
const host = z.string().min(1);
const ms = (max = 86_400_000) => z.number().int().min(0).max(max);
const seconds = (max = 86_400) => z.number().int().min(0).max(max);

const logSchema = z
  .strictObject({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** `auto`: human lines on a terminal, JSON lines otherwise. */
    format: z.enum(['auto', 'json', 'pretty']).default('auto'),
  })
  .prefault({});

const adminSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    host: host.default('127.0.0.1'),
    port: port.default(9600),
    /** Bearer token for every route that changes something; generated and printed at start when absent. */
    token: z.string().min(16, 'a token needs at least 16 characters').optional(),
    /** Extra Host header values accepted (names this server is reached by), e.g. "gw.lab:9600". */
    allowedHosts: z.array(z.string().min(1)).default([]),
    /** PEM files; required when `host` is not a loopback address (issue 15 §3). */
    tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
  })
  .prefault({})
  .superRefine((a, ctx) => {
    if (a.enabled && !isLoopback(a.host) && a.tls === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['tls'],
        message: `TLS (cert and key) is required when the admin server binds ${a.host}, which is not a loopback address`,
      });
    }
  });

// ---------------------------------------------------------------------------------------------------------- PQ
// Options of @portico/pq-server's createPqServer (its README "Behaviour" and "The simulator backend").

const detector = z.strictObject({
  rateCps: z.number().min(0).max(1e9),
  lifetimeNs: z.number().min(0.001).max(1e6),
});

const pqSimulator = z.strictObject({
  kind: z.literal('simulator'),
  /** Default `<dataDir>/pq-workspace`. */
  workspace: z.string().min(1).optional(),
  frameIntervalMs: z.number().int().min(1).optional(),
  measurementTimeS: z.number().min(0.001).optional(),
  defaultTimePerPixelS: z.number().min(1e-9).max(3600).optional(),
  detectors: z.array(detector).min(1).max(8).optional(),
  syncRateHz: z.number().min(1).max(1e10).optional(),
  resolutionS: z.number().min(1e-13).max(1e-6).optional(),
  fault: z
    .strictObject({ status: z.number().int(), afterS: z.number().min(0), text: z.string().optional() })
    .optional(),
  seed: z.number().int().min(0).optional(),
  laserNames: z.array(z.string()).optional(),
  serverVersion: z.number().int().min(0).max(0xffffffff).optional(),
  analysis: z.boolean().optional(),
});

const pqUpstream = z.strictObject({
  kind: z.literal('upstream'),
  /** The real SymPhoTime. */
  host,
  port: port.default(6000),
  /** Must be shorter than `pq.replyTimeoutMs` (pq-server README, "The upstream backend"). */
  replyTimeoutMs: z.number().int().min(1).optional(),
});

const pqSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    host: host.default('127.0.0.1'),
    /** pq.md §1 / PQ-01: "listens at port 6000". */
    port: port.default(6000),
    backend: z.discriminatedUnion('kind', [pqSimulator, pqUpstream]).prefault({ kind: 'simulator' }),
    /** Status of the greeting 'C', or false for none (PQ-02). */
    greeting: z.union([z.number().int(), z.literal(false)]).optional(),
    /** Completion 'C' status: 1 MEASUREMENT_READY (simulator) or 0 NO_ERROR (the seed's literal text, PQ-09). */
    completionStatus: z.number().int().optional(),
    errorStatus: z.enum(['explained', 'encoded']).optional(),
    frameMeasurementType: z.enum(['zero', 'echo']).optional(),
    replyTimeoutMs: z.number().int().min(1).max(3_600_000).optional(),
    busyCloseAfterAnswerMs: ms().optional(),
    busyCloseTimeoutMs: ms().optional(),
    pacing: z
      .strictObject({ replyDelayMs: ms().optional(), minGapMs: ms().optional(), frameIntervalMs: ms().optional() })
      .optional(),
    encoding: z.enum(['windows-1252', 'utf-8', 'latin1']).optional(),
    noDelay: z.boolean().optional(),
  })
  .prefault({})
  .superRefine((pq, ctx) => {
    const downstream = pq.replyTimeoutMs ?? 4000;
    if (pq.backend.kind === 'upstream' && (pq.backend.replyTimeoutMs ?? downstream - 1000) >= downstream) {
      ctx.addIssue({
        code: 'custom',
        path: ['backend', 'replyTimeoutMs'],
        message: `must be shorter than pq.replyTimeoutMs (${downstream} ms) so the downstream client never times out first`,
      });
    }
  });

// -------------------------------------------------------------------------------------------------------- LRSN
// lrsn.md §2–§10 and issue 18 (greeting, login none/passwd, licence, heartbeat, services, paging backends, discovery).

const lrsnServiceName = z.enum([
  'NetPage',
  'Heartbeat',
  'TableMan',
  'KeyCallTX',
  'LrsRX',
  'PocsagRX',
  'Config',
  'Inputs',
  // The gateway's own: statuses of pages sent from the admin API (modules/lrsn.ts PAGE_STATUS_SERVICE).
  'PageStatus',
]);
const version = z.string().regex(/^\d+(\.\d+)*$/, 'a dotted version such as 2.0');

const lrsnSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    host: host.default('127.0.0.1'),
    /** lrsn.md §1: "The device listens on port 3700 by default". */
    port: port.default(3700),
    /** The `<LRSN>` greeting's attributes (lrsn.md §2.1). */
    greeting: z
      .strictObject({
        device: z.string().min(1).default('Portico'),
        swver: version.default('1.0.0'),
        hwver: z.string().min(1).optional(),
        serno: z.string().min(1).optional(),
      })
      .prefault({}),
    services: z
      .array(z.strictObject({ name: lrsnServiceName, version }))
      .min(1)
      .default([
        { name: 'NetPage', version: '2.0' },
        { name: 'Heartbeat', version: '1.0' },
        { name: 'TableMan', version: '1.0' },
        { name: 'KeyCallTX', version: '1.0' },
        { name: 'LrsRX', version: '1.0' },
        { name: 'PocsagRX', version: '1.0' },
      ]),
    login: z
      .strictObject({
        method: z.enum(['none', 'passwd']).default('none'),
        /** Credentials, stored hashed (issue 18 §2): `scrypt$<salt b64>$<hash b64>`. */
        users: z
          .array(
            z.strictObject({
              user: z.string().min(1),
              /** What `portico-lrsn-server hash` (lrsn-server's hashPassword) prints. */
              passwordHash: z
                .string()
                .regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, 'scrypt$N$r$p$<salt>$<hash>'),
            }),
          )
          .default([]),
        timeoutMs: ms().min(1).default(30_000),
        throttle: z
          .strictObject({
            maxFailures: z.number().int().min(1).default(5),
            backoffMs: ms().min(1).default(1000),
            maxBackoffMs: ms().min(1).default(60_000),
          })
          .prefault({}),
      })
      .prefault({})
      .superRefine((l, ctx) => {
        if (l.method === 'passwd' && l.users.length === 0) {
          ctx.addIssue({ code: 'custom', path: ['users'], message: 'login method passwd needs at least one user' });
        }
      }),
    /** ELICEXCEED (licensed client count) and ELICEXPIRE (expiry date), lrsn.md §3. */
    licence: z
      .strictObject({ clients: z.number().int().min(1).optional(), expires: z.iso.date().optional() })
      .prefault({}),
    /** ESERVDOWN to every login while true. */
    maintenance: z.boolean().default(false),
    /** EMAXCLIENTS beyond this many connections. */
    maxClients: z.number().int().min(1).default(10_000),
    heartbeat: z.strictObject({ intervalS: seconds().min(1).default(60) }).prefault({}),
    limits: z
      .strictObject({
        maxLineBytes: z.number().int().min(256).max(16_777_216).default(65_536),
        sendQueueBytes: z.number().int().min(4096).max(268_435_456).default(1_048_576),
      })
      .prefault({}),
    backend: z
      .discriminatedUnion('kind', [
        z.strictObject({
          kind: z.literal('simulator'),
          /** Delay between the statuses of a simulated page. */
          statusIntervalMs: ms().default(200),
          /** Fraction of pages the simulated bank fails (failure injection). */
          failureRate: z.number().min(0).max(1).default(0),
        }),
        z.strictObject({
          kind: z.literal('upstream'),
          /** The real LRSN transmitter, reached through lrsn-client. */
          host,
          port: port.default(3700),
          user: z.string().min(1).optional(),
          password: z.string().min(1).optional(),
        }),
      ])
      .prefault({ kind: 'simulator' }),
    /** UDP 3701 announcement and DNS-SD `_lrsn._tcp` (lrsn.md §10); off by default. */
    discovery: z.strictObject({ udp: z.boolean().default(false), dnsSd: z.boolean().default(false) }).prefault({}),
  })
  .superRefine((l, ctx) => {
    // Options @portico/lrsn-server has no equivalent for are refused rather than silently ignored.
    if (l.limits.sendQueueBytes !== 1_048_576) {
      ctx.addIssue({
        code: 'custom',
        path: ['limits', 'sendQueueBytes'],
        message: 'not supported: @portico/lrsn-server bounds a slow client by queued messages (256), not bytes',
      });
    }
    for (const k of ['udp', 'dnsSd'] as const) {
      if (l.discovery[k]) {
        ctx.addIssue({
          code: 'custom',
          path: ['discovery', k],
          message: 'not supported by the gateway yet: use portico-lrsn-server for LRSN discovery',
        });
      }
    }
  })
  .prefault({});

// ----------------------------------------------------------------------------------------------------- SmartTE
// smartte.md part A (device groups, host groups) and part B (ports, B.5 behaviour, B.7 codes), issue 14.

const ipRange = z.string().refine(isIpRange, 'an IP address, a CIDR block (10.0.0.0/8) or a range (a.b.c.d-e.f.g.h)');

const rules = z
  .strictObject({
    keyboardTimeoutS: seconds(65_535).optional(),
    backlightTimeoutS: seconds(65_535).optional(),
    /** smartte.md B.3: ENCRYPTION_LEVEL 0–2. */
    encryptionLevel: z.number().int().min(0).max(2).default(0),
    /** smartte.md B.3: MULTI_SESSION 0–10. */
    multiSession: z.number().int().min(0).max(10).default(1),
    /** Accepted but deprecated (issue 14 §2). */
    headless: z.boolean().optional(),
    voice: z.boolean().default(false),
  })
  .prefault({});

const deviceGroup = z.strictObject({
  name: z.string().min(1),
  ipRanges: z.array(ipRange).default([]),
  deviceTypes: z.array(z.string().min(1)).default([]),
  rules,
  hostGroup: z.string().min(1).default('default'),
});

const hostGroup = z.strictObject({
  name: z.string().min(1),
  /** smartte.md B.3: HOST_MENU holds at most 32 hosts with names of at most 32 bytes. */
  hosts: z
    .array(
      z.strictObject({
        id: z.number().int().min(0).max(65535),
        name: z.string().min(1).max(32),
        host,
        port: port.min(1).default(23),
      }),
    )
    .max(32)
    .default([]),
  preferredHost: z.number().int().min(0).max(65535).optional(),
  /** smartte.md A: "Hosts have an inactivity timeout (example 10,800 s)". */
  inactivityTimeoutS: seconds(604_800).default(10_800),
});

const smarteSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    host: host.default('127.0.0.1'),
    /** smartte.md A: "Connection Request: client port 3771 → server port 3006". */
    port: port.default(3006),
    /** smartte.md B.5: "default 5000–5999 inclusive". */
    sessionPorts: z
      .strictObject({ first: port.min(1).default(5000), last: port.min(1).default(5999) })
      .prefault({})
      .refine((r) => r.first <= r.last, { message: 'first must not be above last', path: ['last'] }),
    /** smartte.md B.5: REGISTER_REQUEST "within 5 s of the last accept". */
    registrationTimeoutMs: ms().min(1).default(5000),
    /** smartte.md B.6: the server's long-term X25519 private key (32 raw bytes or 64 hex digits), so device pins hold. */
    serverKeyFile: z.string().min(1).optional(),
    /** Licence or device limit: CONNECT_REJECT reason 2 beyond it (smartte.md B.7). */
    licence: z.strictObject({ devices: z.number().int().min(1).optional() }).prefault({}),
    /** The group of a device no other group matches (smartte.md A). */
    defaultGroup: z.strictObject({ rules, hostGroup: z.string().min(1).default('default') }).prefault({}),
    deviceGroups: z.array(deviceGroup).default([]),
    hostGroups: z.array(hostGroup).default([{ name: 'default', hosts: [], inactivityTimeoutS: 10_800 }]),
  })
  .prefault({})
  .superRefine((s, ctx) => {
    const groups = new Map(s.hostGroups.map((g) => [g.name, g]));
    uniqueNames(
      s.hostGroups.map((g) => g.name),
      ['hostGroups'],
      ctx,
    );
    uniqueNames(
      s.deviceGroups.map((g) => g.name),
      ['deviceGroups'],
      ctx,
    );
    const refs: [string, (string | number)[]][] = [
      [s.defaultGroup.hostGroup, ['defaultGroup', 'hostGroup']],
      ...s.deviceGroups.map((g, i): [string, (string | number)[]] => [g.hostGroup, ['deviceGroups', i, 'hostGroup']]),
    ];
    for (const [name, path] of refs) {
      if (!groups.has(name)) ctx.addIssue({ code: 'custom', path, message: `no host group named "${name}"` });
    }
    s.hostGroups.forEach((g, i) => {
      if (g.preferredHost !== undefined && !g.hosts.some((h) => h.id === g.preferredHost)) {
        ctx.addIssue({
          code: 'custom',
          path: ['hostGroups', i, 'preferredHost'],
          message: `no host with id ${g.preferredHost} in this group`,
        });
      }
    });
    const { first, last } = s.sessionPorts;
    if (s.port >= first && s.port <= last) {
      ctx.addIssue({ code: 'custom', path: ['port'], message: `inside sessionPorts ${first}–${last}` });
    }
    // What @portico/smartte-server does not do yet is refused here, never silently ignored (its README, "Not yet").
    if (s.licence.devices !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['licence', 'devices'],
        message: 'a device limit is not supported by @portico/smartte-server yet',
      });
    }
  });

function uniqueNames(names: string[], path: (string | number)[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n)) ctx.addIssue({ code: 'custom', path: [...path, i, 'name'], message: `duplicate name "${n}"` });
    seen.add(n);
  });
}

/** "10.1.2.3", "10.0.0.0/8", "fd00::/8" or "10.0.0.1-10.0.0.99". */
export function isIpRange(v: string): boolean {
  const dash = v.split('-');
  if (dash.length === 2) return isIP(dash[0]!.trim()) === 4 && isIP(dash[1]!.trim()) === 4;
  const [addr, bits, extra] = v.split('/');
  if (extra !== undefined || addr === undefined) return false;
  const family = isIP(addr);
  if (family === 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128);
}

export const configSchema = z.strictObject({
  /** Where the gateway keeps its files (PQ workspace …); relative to the working directory. */
  dataDir: z.string().min(1).default('portico-data'),
  log: logSchema,
  admin: adminSchema,
  shutdown: z.strictObject({ drainTimeoutMs: ms(600_000).min(100).default(10_000) }).prefault({}),
  /** Session state that outlives a connection (ARCHITECTURE.md "State and scale"); only `memory` today. */
  registry: z.strictObject({ kind: z.literal('memory').default('memory') }).prefault({}),
  pq: pqSchema,
  lrsn: lrsnSchema,
  smartte: smarteSchema,
});

/** The configuration as read from a file (every field optional). */
export type ConfigInput = z.input<typeof configSchema>;
/** The validated configuration, every default filled in. */
export type GatewayConfig = z.output<typeof configSchema>;
export type PqConfig = GatewayConfig['pq'];
export type LrsnConfig = GatewayConfig['lrsn'];
export type SmartteConfig = GatewayConfig['smartte'];
