import { APPLICATION_SERVICE_TYPES, LRSN_SERVICE_TYPE, type MdnsSocket } from '@portico/lrsn-client';
import type { Service } from '@portico/lrsn-codec';

/** The DNS-SD meta-query that lists every service type on a link (RFC 6763 §9). */
export const SERVICE_ENUMERATION = '_services._dns-sd._udp.local';

/** One mDNS record as multicast-dns encodes it (dns-packet's Answer). */
export type MdnsRecord = Extract<Parameters<MdnsSocket['respond']>[0], readonly unknown[]>[number];
/** An mDNS response: answers and additional records. */
export interface MdnsResponse {
  /** Records answering the questions. */
  answers: MdnsRecord[];
  /** Records the asker will need next (RFC 6763 §12), none of them already among the answers. */
  additionals: MdnsRecord[];
}
type Record = MdnsRecord;
type Response = MdnsResponse;

/** What the responder advertises: one instance per DNS-SD type, all on one host name and address. */
export interface MdnsRecordsOptions {
  /** Instance label (default 'Portico'): `<name>._lrsn._tcp.local`. */
  name?: string;
  /** IPv4 address in the A record. */
  address: string;
  /** The LRSN TCP port in every SRV record. */
  port: number;
  /** Services offered: per-application types are advertised only for these (lrsn.md §10). */
  services: readonly Service[];
  /** Record TTL in seconds (default 120, RFC 6762 §10's figure for records with a host name). */
  ttl?: number;
}

/**
 * The DNS-SD records of one LRSN server (RFC 6763 over mDNS, RFC 6762): a PTR per type to its instance, the instance's
 * SRV (port, host) and TXT, and the host's A record, so a standard browser (avahi-browse -r, dns-sd -L) resolves the
 * service. lrsn.md §10: "The LRSN discovery protocol does not use TXT records" — but RFC 6763 §6 requires every
 * instance to have one, so each gets the empty TXT (a single zero-length string), which carries nothing.
 */
export class MdnsRecords {
  private readonly types: string[];
  private readonly host: string;
  private readonly label: string;
  private readonly ttl: number;

  constructor(private readonly options: MdnsRecordsOptions) {
    const offers = (name: string) => options.services.some((s) => s.name === name);
    this.label = options.name ?? 'Portico';
    this.host = `${this.label.replace(/[^A-Za-z0-9-]/g, '-')}.local`;
    this.ttl = options.ttl ?? 120;
    this.types = [
      LRSN_SERVICE_TYPE,
      ...Object.entries(APPLICATION_SERVICE_TYPES)
        .filter(([service]) => offers(service))
        .map(([, type]) => type),
    ];
  }

  /** The instance name advertised under `type`. */
  instance(type: string): string {
    return `${this.label}.${type}`;
  }

  /**
   * The response to one query's questions, or undefined when none is about this server. Names compare
   * case-insensitively (DNS). A PTR answer carries the instance's SRV, TXT and A as additionals (RFC 6763 §12.1), an
   * SRV answer the host's A (§12.2).
   */
  answer(questions: readonly { name: string; type: string }[]): Response | undefined {
    const answers: Record[] = [];
    const additionals: Record[] = [];
    const add = (list: Record[], r: Record) => {
      if (!answers.some((x) => same(x, r)) && !list.some((x) => same(x, r))) list.push(r);
    };
    for (const q of questions) {
      const name = q.name.toLowerCase();
      const any = q.type === 'ANY';
      if (name === SERVICE_ENUMERATION && (any || q.type === 'PTR')) {
        for (const t of this.types) add(answers, this.ptr(SERVICE_ENUMERATION, t));
      }
      const type = this.types.find((t) => t.toLowerCase() === name);
      if (type !== undefined && (any || q.type === 'PTR')) {
        add(answers, this.ptr(type, this.instance(type)));
        for (const r of this.instanceRecords(type)) add(additionals, r);
      }
      const owner = this.types.find((t) => this.instance(t).toLowerCase() === name);
      if (owner !== undefined) {
        const [srv, txt, a] = this.instanceRecords(owner);
        if (any || q.type === 'SRV') {
          add(answers, srv!);
          add(additionals, a!);
        }
        if (any || q.type === 'TXT') add(answers, txt!);
      }
      if (name === this.host.toLowerCase() && (any || q.type === 'A')) add(answers, this.a());
    }
    // Additionals already among the answers are dropped (RFC 6762 §6: no record twice in one response).
    const extra = additionals.filter((r) => !answers.some((x) => same(x, r)));
    return answers.length === 0 ? undefined : { answers, additionals: extra };
  }

  private ptr(name: string, data: string): Record {
    return { name, type: 'PTR', ttl: this.ttl, data };
  }

  private instanceRecords(type: string): [Record, Record, Record] {
    const instance = this.instance(type);
    return [
      {
        name: instance,
        type: 'SRV',
        ttl: this.ttl,
        data: { port: this.options.port, target: this.host, priority: 0, weight: 0 },
      },
      { name: instance, type: 'TXT', ttl: this.ttl, data: [''] },
      this.a(),
    ];
  }

  private a(): Record {
    return { name: this.host, type: 'A', ttl: this.ttl, data: this.options.address };
  }
}

function same(x: Record, y: Record): boolean {
  return x.type === y.type && x.name === y.name && JSON.stringify(dataOf(x)) === JSON.stringify(dataOf(y));
}

/** A record's data (every record type this responder builds has one; the union's OPT member does not). */
function dataOf(r: Record): unknown {
  return (r as { data?: unknown }).data;
}
