/** Stable codes for everything the gateway refuses or fails at (STYLE.md: errors are values with a `code`). */
export type GatewayErrorCode =
  /** The configuration file could not be read or parsed (YAML/JSON syntax). */
  | 'GATEWAY_CONFIG_UNREADABLE'
  /** The configuration does not match the schema; `issues` lists every problem by path. */
  | 'GATEWAY_CONFIG_INVALID'
  /** A listener could not bind its address (port taken, address not on this host). */
  | 'GATEWAY_BIND_FAILED'
  /** A protocol module failed to start for another reason. */
  | 'GATEWAY_START_FAILED';

export interface ConfigIssue {
  /** Dotted path into the configuration, e.g. `pq.port` or `smartte.deviceGroups[0].rules.encryptionLevel`. */
  path: string;
  message: string;
}

export class GatewayError extends Error {
  override name = 'GatewayError';
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    readonly details: { issues?: ConfigIssue[]; flag?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }
}
