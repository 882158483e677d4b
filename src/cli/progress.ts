/**
 * Training progress on stderr: a bar redrawn in place on a terminal
 * (epoch, loss, validation loss, ETA), plain lines every tenth of the run
 * when stderr is a file or pipe, nothing when quiet.
 */
import type { Logs } from '../train/callbacks.js';

export class Progress {
  private readonly started = Date.now();
  private lastLine = -1;
  /** A bar is drawn on the terminal and its line not yet ended. */
  private barOpen = false;

  constructor(private readonly total: number, private readonly out: NodeJS.WriteStream = process.stderr, private readonly quiet = false) {}

  update(epoch: number, logs: Logs): void {
    if (this.quiet) return;
    const done = epoch + 1;
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = (elapsed / done) * (this.total - done);
    const stats = `loss ${fmt(logs.loss)}${logs.val_loss !== undefined ? `  val_loss ${fmt(logs.val_loss)}` : ''}`;
    if (this.out.isTTY) {
      const width = 24, filled = Math.round((width * done) / this.total);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      this.out.write(`\r  epoch ${String(done).padStart(String(this.total).length)}/${this.total} ${bar} ${stats}  ETA ${eta.toFixed(1)} s   `);
      this.barOpen = done < this.total;
      if (!this.barOpen) this.out.write('\n');
      return;
    }
    const tenth = Math.floor((10 * done) / this.total);
    if (tenth !== this.lastLine || done === this.total) {
      this.lastLine = tenth;
      this.out.write(`  epoch ${done}/${this.total}  ${stats}  (${elapsed.toFixed(1)} s)\n`);
    }
  }

  /** End the bar's line if training stopped before the last epoch (early stopping, an error), so what follows starts a line of its own. */
  finish(): void {
    if (this.barOpen) this.out.write('\n');
    this.barOpen = false;
  }
}

function fmt(v: number): string {
  return v < 0.001 ? v.toExponential(2) : v.toFixed(4);
}
