import pc from "picocolors";

/**
 * Progress on the terminal (stderr, so stdout stays for results): one line
 * per step; on a terminal the byte count updates in place.
 */
export class Progress {
  private live = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  /** A step of the current volume. */
  step(volume: string, message: string): void {
    this.endLive();
    this.stream.write(`${pc.cyan(volume)}: ${message}\n`);
  }

  /** A warning that does not stop the run. */
  warn(volume: string, message: string): void {
    this.endLive();
    this.stream.write(`${pc.cyan(volume)}: ${pc.yellow(`warning: ${message}`)}\n`);
  }

  /** Bytes moved so far; rewritten in place on a terminal, else printed once at the end. */
  bytes(volume: string, verb: string, bytes: number, done = false): void {
    const text = `${pc.cyan(volume)}: ${verb} ${formatBytes(bytes)}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r${text}\x1b[K`);
      this.live = true;
      if (done) this.endLive();
    } else if (done) {
      this.stream.write(`${text}\n`);
    }
  }

  private endLive(): void {
    if (this.live) this.stream.write("\n");
    this.live = false;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
