/** Progress on stderr: rewrites one line on a TTY, prints a line per 10 % otherwise (CI logs stay short). */
export function progressLine(label: string) {
  const tty = process.stderr.isTTY;
  let lastDecile = -1;
  return {
    update: (done: number, total: number) => {
      const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
      if (tty) process.stderr.write(`\r${label}: ${pct}%   `);
      else if (Math.floor(pct / 10) > lastDecile) {
        lastDecile = Math.floor(pct / 10);
        process.stderr.write(`${label}: ${pct}%\n`);
      }
    },
    /** Ends the line: kept on success, erased on failure (so an error is the only line left). */
    end: (keep = true) => {
      if (tty) process.stderr.write(keep ? '\n' : '\r\x1b[2K');
    },
  };
}

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
