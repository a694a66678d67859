// sshd allows MaxSessions (default 10) channels per connection and refuses the next one. The
// engine may start many execs on one host at once, so they queue here, first come first served.

export class SessionLimiter {
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  /** Resolves when a slot is free; call the returned function exactly once to free it. */
  async acquire(): Promise<() => void> {
    if (this.#active >= this.limit) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      // The slot passes straight to the next waiter, so #active stays as it is.
      if (next) next();
      else this.#active--;
    };
  }

  get active(): number {
    return this.#active;
  }
}
