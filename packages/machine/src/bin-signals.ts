/** The logger a role's bin writes its lifecycle to (pino's `Logger` fits as it is). */
export interface BinLog {
  /** One informational line with its fields. */
  info(fields: object, message: string): void;
  /** One error line with its fields. */
  error(fields: object, message: string): void;
}

/** What a role's bin runs until it is told to stop: a server (or client) with a draining `close()`. */
export interface BinClosable {
  /** Drains and closes; rejects if that failed. */
  close(): Promise<unknown>;
}

/** The parts of `process` the signal wiring uses (tests give a stand-in). */
export interface BinProcess {
  /** Listens for one signal, once. */
  once(signal: NodeJS.Signals, listener: () => void): unknown;
  /** Removes a signal listener. */
  off(signal: NodeJS.Signals, listener: () => void): unknown;
  /** Ends the process with this exit code. */
  exit(code: number): void;
}

/** Options of {@link closeOnSignals}. */
export interface CloseOnSignalsOptions {
  /** The signals that stop the bin (default SIGINT and SIGTERM). */
  signals?: readonly NodeJS.Signals[];
  /** Default the real `process`. */
  process?: BinProcess;
}

/**
 * The stop wiring every role bin shares (`portico-lrsn-server`, `portico-pq-server`): on the first SIGINT or SIGTERM it
 * logs `closing` with the signal, closes `target` (a server drains its sessions) and exits 0, or logs `close failed`
 * and exits 1. Later signals are not listened for any more, so a second Ctrl-C gets Node's default: an immediate end.
 * Returns a function that removes the listeners (a bin that closes for another reason).
 */
export function closeOnSignals(target: BinClosable, log: BinLog, options: CloseOnSignalsOptions = {}): () => void {
  const proc: BinProcess = options.process ?? process;
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const listeners = new Map<NodeJS.Signals, () => void>();
  const remove = (): void => {
    for (const [signal, listener] of listeners) proc.off(signal, listener);
    listeners.clear();
  };
  for (const signal of signals) {
    const listener = (): void => {
      remove();
      log.info({ signal }, 'closing');
      target.close().then(
        () => proc.exit(0),
        (e: unknown) => {
          log.error({ err: e }, 'close failed');
          proc.exit(1);
        },
      );
    };
    listeners.set(signal, listener);
    proc.once(signal, listener);
  }
  return remove;
}
