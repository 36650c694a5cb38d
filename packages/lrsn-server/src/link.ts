import type { LrsnMessage } from '@portico/lrsn-codec';
import { connectionLink, type Link } from '@portico/machine';
import { type Connection, isTransportError } from '@portico/transport';

/**
 * machine's connectionLink, except that a send refused because the client stopped reading (the connection's bounded
 * queue is full: TRANSPORT_QUEUE_FULL) is not dropped silently: `onFull` hears it, and the server ends that client
 * alone. (connectionLink swallows every refused send; see the report to the runtime's engineer.)
 */
export function boundedLink(
  connection: Connection<string, LrsnMessage>,
  onFull: (error: unknown) => void,
): Link<string, LrsnMessage> {
  const base = connectionLink(connection);
  return {
    attach: (sink) => base.attach(sink),
    close: (action) => base.close(action),
    send(message) {
      connection.send(message).catch((e: unknown) => {
        if (isTransportError(e, 'TRANSPORT_QUEUE_FULL')) onFull(e);
      });
    },
  };
}
