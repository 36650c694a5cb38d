// Reads a capture for the pcap and check commands: pcap/pcapng bytes → sessions with decoded messages.
import { isCaptureFile, walkCapture } from './pcap/file.js';
import { FlowCollector } from './pcap/flows.js';
import { buildSessions, type Session } from './pcap/sessions.js';

export interface CaptureSessions {
  format: 'pcap' | 'pcapng';
  packets: number;
  sessions: Session[];
  unrecognisedUdp: number;
  skipped: Map<string, number>;
  damage?: { offset: number; message: string };
}

export function captureSessions(bytes: Uint8Array, name: string): CaptureSessions {
  // Packets go straight from the file's bytes into the flows: no list of packet objects is kept.
  const collector = new FlowCollector(bytes);
  const file = walkCapture(bytes, name, (index, time, linkType, data, _original, at) =>
    collector.add(index, time, linkType, data, at),
  );
  const flows = collector.flows;
  const { sessions, unrecognisedUdp } = buildSessions(flows);
  return {
    format: file.format,
    packets: file.packets,
    sessions,
    unrecognisedUdp,
    skipped: flows.skipped,
    ...(file.damage ? { damage: file.damage } : {}),
  };
}

export { isCaptureFile };
