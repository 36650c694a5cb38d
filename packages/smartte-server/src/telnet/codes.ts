/** RFC 854 command bytes (each follows IAC). */
export const TelnetCommand = Object.freeze({
  SE: 240,
  NOP: 241,
  DM: 242,
  BRK: 243,
  IP: 244,
  AO: 245,
  AYT: 246,
  EC: 247,
  EL: 248,
  GA: 249,
  SB: 250,
  WILL: 251,
  WONT: 252,
  DO: 253,
  DONT: 254,
  IAC: 255,
});

/**
 * The options the bridge speaks (issue 14 §4: "SGA, ECHO, NAWS with the device's screen size, TERMINAL-TYPE"), plus
 * TRANSMIT-BINARY (RFC 856) so a host may switch CR handling off. Every other option is refused.
 */
export const TelnetOption = Object.freeze({
  /** RFC 856 */
  BINARY: 0,
  /** RFC 857 */
  ECHO: 1,
  /** RFC 858 */
  SGA: 3,
  /** RFC 1091 */
  TERMINAL_TYPE: 24,
  /** RFC 1073 */
  NAWS: 31,
});

/** RFC 1091 subnegotiation verbs. */
export const TTYPE_IS = 0;
export const TTYPE_SEND = 1;

const CR = 13;
const LF = 10;
const NUL = 0;
export { CR, LF, NUL };
