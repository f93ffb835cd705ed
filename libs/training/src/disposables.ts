// What a run holds until it ends (dataset, networks, optimizers, prefetch, display tensors),
// released on every exit path in the order acquired.
export class Disposables {
  private readonly items: Array<{ dispose(): void }> = [];
  /** Set after a wasm heap abort: such a module cannot free anything any more. */
  heapFailed = false;

  add(...items: Array<{ dispose(): void }>): void {
    this.items.push(...items);
  }

  disposeAll(): void {
    for (const d of this.items) {
      try {
        d.dispose();
      } catch (err) {
        if (!this.heapFailed) throw err;
      }
    }
  }
}
