// Reads a capture for the pcap and check commands: pcap/pcapng bytes → sessions with decoded messages.
import { isCaptureFile, readCapture } from './pcap/file.js';
import { collectFlows } from './pcap/flows.js';
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
  const file = readCapture(bytes, name);
  const flows = collectFlows(file.packets);
  const { sessions, unrecognisedUdp } = buildSessions(flows);
  return {
    format: file.format,
    packets: file.packets.length,
    sessions,
    unrecognisedUdp,
    skipped: flows.skipped,
    ...(file.damage ? { damage: file.damage } : {}),
  };
}

export { isCaptureFile };
