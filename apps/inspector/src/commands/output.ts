// Where commands write. Every command ends with a one-line summary (issue 12 item 13); with --json that line is a
// JSON object too (`{"summary": …, counts}`), so a script reading JSON lines never meets a line that is not JSON.
export interface Output {
  line(text: string): void;
  summary(text: string, counts: Record<string, number | string>): void;
}

export function processOutput(json: boolean, write: (s: string) => void = (s) => process.stdout.write(s)): Output {
  return {
    line: (text) => write(`${text}\n`),
    summary: (text, counts) => write(`${json ? JSON.stringify({ summary: text, ...counts }) : text}\n`),
  };
}
