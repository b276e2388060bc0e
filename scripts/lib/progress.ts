// A one-line terminal progress bar for long work (seeding, benchmarks); plain lines when not a TTY.
export interface Progress {
  update: (done: number, note?: string) => void;
  finish: (note?: string) => void;
}

export function progress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = Date.now();
  let lastPrinted = -1;
  const render = (done: number, note = '') => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const width = 28;
    const filled = Math.round(fraction * width);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    return `${label} ${bar} ${(fraction * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${seconds}s ${note}`;
  };
  return {
    update(done, note) {
      if (stream.isTTY) {
        stream.write(`\r${render(done, note)}\x1b[K`);
      } else {
        // Without a terminal, print at most every 10 % so CI logs stay short.
        const decile = Math.floor((done / Math.max(total, 1)) * 10);
        if (decile !== lastPrinted) {
          lastPrinted = decile;
          stream.write(`${render(done, note)}\n`);
        }
      }
    },
    finish(note) {
      const line = render(total, note);
      stream.write(stream.isTTY ? `\r${line}\x1b[K\n` : `${line}\n`);
    },
  };
}
