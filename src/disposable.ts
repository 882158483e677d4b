/**
 * What everything that owns heap memory shares: `dispose()` frees it once
 * (a second call does nothing), `using` calls it, and any use afterwards
 * is a clear error instead of a read of memory someone else now owns.
 */
import { fail } from './errors.js';

/** Symbol.dispose, or the well-known name `using` falls back to where the runtime lacks it. */
const disposeSymbol: typeof Symbol.dispose = Symbol.dispose ?? Symbol.for('Symbol.dispose');

export abstract class Disposable {
  private disposed = false;

  /** Free what this object owns; called once, by the first dispose(). */
  protected abstract free(): void;

  /** The error a use after dispose() throws: what was disposed and what to do instead. */
  protected abstract disposedMessage(): string;

  /** Free the memory this object owns. Using it afterwards throws. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true; // first: what runs meanwhile (a fit awaiting a callback) sees it
    this.free();
  }

  /** Same as dispose(), for `using`. */
  [disposeSymbol](): void {
    this.dispose();
  }

  /** Whether dispose() was called. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Throws if dispose() was called. @internal */
  assertLive(): void {
    if (this.disposed) fail(this.disposedMessage());
  }
}
