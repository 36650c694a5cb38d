import type { Writable } from 'node:stream';

const ESC = '\u001b';

/**
 * The device's display states on the terminal's last row (issue 14, client bin: "showing the display states on a
 * status line"): the rows above scroll as the host's screen (a DECSTBM scroll region), the last row shows the states
 * since connecting, newest last ("Connecting... › Register Port 5000 › Connected"), cut at the left to fit.
 */
export class StatusLine {
  private readonly states: string[] = [];

  constructor(
    private readonly out: Writable,
    private readonly cols: number,
    private readonly rows: number,
  ) {}

  /** Reserves the last row: the host gets rows − 1 (its NAWS height). */
  open(): void {
    this.out.write(`${ESC}[2J${ESC}[1;${this.rows - 1}r${ESC}[1;1H`);
  }

  /** The text the status line holds now. */
  get text(): string {
    const full = this.states.join(' › ');
    return full.length <= this.cols ? full : `…${full.slice(full.length - this.cols + 1)}`;
  }

  show(state: string): void {
    this.states.push(state);
    // Save the cursor, draw the last row in reverse video, restore: the host's cursor is not disturbed.
    const text = this.text.padEnd(this.cols);
    this.out.write(`${ESC}7${ESC}[${this.rows};1H${ESC}[7m${text}${ESC}[0m${ESC}8`);
  }

  /** Gives the whole screen back (scroll region reset) and leaves the cursor below the status line. */
  close(): void {
    this.out.write(`${ESC}[r${ESC}[${this.rows};1H\r\n`);
  }
}
