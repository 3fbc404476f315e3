/** A terminal progress bar on stderr for the CLIs (redrawn in place on a TTY, a line per 10 % otherwise). */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  let lastDecile = -1;
  let lastDraw = 0;
  return {
    update(fraction: number, stage = ''): void {
      const f = Math.min(1, Math.max(0, fraction));
      if (stream.isTTY) {
        const now = Date.now();
        if (now - lastDraw < 100 && f < 1) return;
        lastDraw = now;
        const width = 30;
        const full = Math.round(f * width);
        stream.write(
          `\r${label} [${'█'.repeat(full)}${'·'.repeat(width - full)}] ${(f * 100).toFixed(0).padStart(3)}% ${stage.padEnd(12)}`,
        );
      } else {
        const decile = Math.floor(f * 10);
        if (decile === lastDecile) return;
        lastDecile = decile;
        stream.write(`${label} ${decile * 10}% ${stage}\n`);
      }
    },
    done(): void {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
