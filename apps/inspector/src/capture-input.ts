// Reads a capture for the pcap and check commands: pcap/pcapng bytes → sessions with decoded messages.
import { isCaptureFile, walkCapture } from './pcap/file.js';
import { FlowCollector } from './pcap/flows.js';
import { type PendingSession, pendingSessions, type Session } from './pcap/sessions.js';

/** A capture's sessions, each decoded when asked (`decode()`), and what reading the file found. */
export interface PendingCapture {
  format: 'pcap' | 'pcapng';
  packets: number;
  sessions: PendingSession[];
  unrecognisedUdp: number;
  skipped: Map<string, number>;
  damage?: { offset: number; message: string };
}

/** A capture's sessions, all decoded. */
export interface CaptureSessions extends Omit<PendingCapture, 'sessions'> {
  sessions: Session[];
}

/**
 * Reads the capture, reassembles its TCP streams and groups its datagrams into sessions, but decodes a TCP session
 * only when its `decode()` is called: the commands take one session at a time, so a large capture's messages are
 * never all held at once.
 */
export function pendingCapture(bytes: Uint8Array, name: string): PendingCapture {
  // Packets go straight from the file's bytes into the flows: no list of packet objects is kept.
  const collector = new FlowCollector(bytes);
  const file = walkCapture(bytes, name, (index, time, linkType, data, _original, at) =>
    collector.add(index, time, linkType, data, at),
  );
  const flows = collector.flows;
  const { sessions, unrecognisedUdp } = pendingSessions(flows);
  return {
    format: file.format,
    packets: file.packets,
    sessions,
    unrecognisedUdp,
    skipped: flows.skipped,
    ...(file.damage ? { damage: file.damage } : {}),
  };
}

/** Every session of the capture, decoded (all messages held: for tests and small captures). */
export function captureSessions(bytes: Uint8Array, name: string): CaptureSessions {
  const capture = pendingCapture(bytes, name);
  return { ...capture, sessions: capture.sessions.map((s) => s.decode()) };
}

export { isCaptureFile };
