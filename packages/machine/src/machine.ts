/**
 * The one contract of every sans-IO role machine (ARCHITECTURE.md, "Role machine (sans-IO)"): inputs in, actions out,
 * synchronously, with `now` given by the caller. A machine holds no socket and reads no clock.
 */
export interface Machine<In, Out, Ev extends TypedEvent> {
  /** Takes one input at time `now` (ms on the caller's clock) and returns what to do, in order. */
  handle(input: In, now: number): Action<Out, Ev>[];
}

/** Every machine event carries a `type` tag; the binding emits it under that name. */
export interface TypedEvent {
  readonly type: string;
}

/**
 * The inputs the runtime itself produces; a machine's own commands (measure, stop, open …) are further members of its
 * input union with their own `type` tags.
 */
export type RuntimeInput<Recv> =
  /** A message from the peer, as the transport decoded it. */
  | { readonly type: 'receive'; readonly message: Recv }
  /** The wake-up the machine asked for is due (or a little earlier, see `WakeAction`): look at `now`. */
  | { readonly type: 'wake' }
  /** The transport is gone; `reason` and `error` are the transport's (e.g. a Connection's CloseInfo). */
  | { readonly type: 'closed'; readonly reason: string; readonly error: unknown };

/** The input union of a machine that receives `Recv` and takes commands `Cmd`. */
export type Input<Recv, Cmd extends TypedEvent = never> = RuntimeInput<Recv> | Cmd;

/** Put one message on the transport, now, in its own write. */
export interface SendAction<Out> {
  readonly type: 'send';
  readonly message: Out;
}

/**
 * Give me a `wake` input at `at` (absolute ms on the caller's clock), or never when `at` is undefined. The latest wake
 * action replaces the previous one; after a `wake` input none is pending until the machine asks again. A binding may
 * keep an earlier timer instead of moving it later (a busy machine moves its deadline on nearly every input), so a
 * `wake` can come early: a machine compares its deadlines with `now` and asks again for what is still ahead.
 */
export interface WakeAction {
  readonly type: 'wake';
  readonly at: number | undefined;
}

/** Close the transport after what was sent before; `final` is written first (a refusal, a busy status). */
export interface CloseAction<Out> {
  readonly type: 'close';
  /** Why, in the machine's words (for logs and the close info). */
  readonly reason: string;
  /** The failure behind the close, if it is not a normal one. */
  readonly error?: unknown;
  /** One last message written before the close (a refusal, a busy status). */
  readonly final?: Out;
}

/** Tell the role's users (or the role package's glue) something: emitted on the binding under `event.type`. */
export interface EmitAction<Ev extends TypedEvent> {
  readonly type: 'emit';
  readonly event: Ev;
}

/** The one action vocabulary every machine speaks. */
export type Action<Out, Ev extends TypedEvent> = SendAction<Out> | WakeAction | CloseAction<Out> | EmitAction<Ev>;

/** Builds a {@link SendAction}; the builders let a machine read `out.push(send(m), wake(t))`. */
export const send = <Out>(message: Out): SendAction<Out> => ({ type: 'send', message });
/** Builds a {@link WakeAction}: a `wake` input at `at` (absolute ms on the caller's clock), or none when undefined. */
export const wake = (at: number | undefined): WakeAction => ({ type: 'wake', at });
/** Builds an {@link EmitAction}: `event` is emitted on the binding under `event.type`. */
export const emit = <Ev extends TypedEvent>(event: Ev): EmitAction<Ev> => ({ type: 'emit', event });
/**
 * Builds a {@link CloseAction}: close the transport for `reason` (`options.error` when it is a failure), writing
 * `options.final` first.
 */
export function close<Out>(reason: string, options: { error?: unknown; final?: Out } = {}): CloseAction<Out> {
  return { type: 'close', reason, ...options };
}

/** The earliest of some optional deadlines (a machine's next wake-up), or undefined when none is set. */
export function earliest(...deadlines: (number | undefined)[]): number | undefined {
  let best: number | undefined;
  for (const d of deadlines) if (d !== undefined && (best === undefined || d < best)) best = d;
  return best;
}
