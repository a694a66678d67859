// One direction of a delayed TCP relay: each chunk read from `from` is written to `to` delayMs
// after it arrived, in arrival order, end-of-stream included. One timer per direction at most.
import type { Socket } from 'node:net';

interface Held {
  due: number;
  /** null: the sender ended its side (FIN), forwarded in order after the data before it. */
  chunk: Buffer | null;
}

/**
 * `notBefore` models the TCP handshake the relay cannot delay: the client's connect() completes
 * at once on loopback, so its first bytes leave early; a real client could send them only after
 * the SYN/SYN-ACK round trip. Chunks that arrive before `notBefore` count as sent at `notBefore`.
 */
export function delayedPipe(from: Socket, to: Socket, delayMs: number, notBefore = 0): void {
  const queue: Held[] = [];
  let timer: NodeJS.Timeout | undefined;
  const forward = (chunk: Buffer | null) => {
    if (chunk === null) to.end();
    else if (!to.write(chunk)) {
      // The receiver is slow: stop reading until it drains, as a real link's window would.
      from.pause();
      to.once('drain', () => from.resume());
    }
  };
  const flush = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.due <= now + 0.5) forward(queue.shift()!.chunk);
    if (queue.length > 0) timer = setTimeout(flush, queue[0]!.due - now);
  };
  const hold = (chunk: Buffer | null) => {
    const now = performance.now();
    const due = Math.max(now, notBefore) + delayMs;
    // Nothing to wait for (no delay, nothing queued): a timer would still cost a loop turn.
    if (due <= now && queue.length === 0) return forward(chunk);
    queue.push({ due, chunk });
    if (!timer) timer = setTimeout(flush, queue[0]!.due - now);
  };
  from.on('data', (chunk: Buffer) => hold(chunk));
  from.on('end', () => hold(null));
  from.on('close', () => {
    // An aborted side (reset, error) ends the other at once; a clean end went through the queue.
    if (from.errored || !from.readableEnded) {
      if (timer) clearTimeout(timer);
      queue.length = 0;
      to.destroy();
    }
  });
}
