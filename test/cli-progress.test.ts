/**
 * The training progress bar on a terminal: its line is ended exactly once,
 * whether training ran every epoch or stopped early (an error then starts a
 * line of its own instead of being glued to the bar, or following a blank line).
 */
import { describe, expect, it } from 'vitest';
import { Progress } from '../src/cli/progress.js';

function terminal(): { stream: NodeJS.WriteStream; text: () => string } {
  const written: string[] = [];
  const stream = { isTTY: true, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => written.join('') };
}

describe('Progress on a terminal', () => {
  it('ends the line once after the last epoch', () => {
    const t = terminal();
    const p = new Progress(3, t.stream);
    for (let e = 0; e < 3; e++) p.update(e, { loss: 0.5 });
    p.finish();
    expect(t.text()).toMatch(/epoch 3\/3 [^\n]*\n$/);
    expect(t.text()).not.toMatch(/\n\n$/);
  });

  it('ends the line when training stops early', () => {
    const t = terminal();
    const p = new Progress(3, t.stream);
    p.update(0, { loss: 0.5 });
    p.finish();
    expect(t.text()).toMatch(/epoch 1\/3 [^\n]*\n$/);
  });

  it('writes nothing when quiet', () => {
    const t = terminal();
    const p = new Progress(3, t.stream, true);
    p.update(0, { loss: 0.5 });
    p.finish();
    expect(t.text()).toBe('');
  });
});
