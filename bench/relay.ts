// The delay relays, all in this one process (started by relays.ts; process creation is slow
// here): per lab host, a TCP listener on its own loopback address that forwards to the host's
// sshd and holds every chunk delayMs in each direction. This machine's kernel has no netem,
// so the delay is made in user space. Commands arrive over the IPC channel from the bench.
import net from 'node:net';
import { delayedPipe } from './relay-pipe.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface Route {
  listen: Endpoint;
  target: Endpoint;
}

export type RelayRequest =
  | { type: 'routes'; routes: Route[]; delayMs: number }
  /** Connections accepted per route since the last counts (or routes), in route order. */
  | { type: 'counts' }
  | { type: 'stop' };

export type RelayReply =
  | { type: 'ready' }
  | { type: 'counts'; connects: number[] }
  | { type: 'stopped' }
  | { type: 'error'; message: string };

let servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
let connects: number[] = [];

function track(socket: net.Socket): net.Socket {
  sockets.add(socket);
  socket.setNoDelay(true); // Nagle would add its own delay to SSH's small packets
  socket.on('error', () => socket.destroy());
  socket.on('close', () => sockets.delete(socket));
  return socket;
}

function relay(route: Route, index: number, delayMs: number): net.Server {
  // Half-open sockets: each direction's end travels through its own queue, in order.
  return net.createServer({ allowHalfOpen: true }, (client) => {
    connects[index] = (connects[index] ?? 0) + 1;
    const acceptedAt = performance.now();
    track(client);
    const open = () => {
      if (client.destroyed) return;
      const upstream = track(net.connect({ ...route.target, allowHalfOpen: true }));
      // The client may send only once its SYN went there and the SYN-ACK came back (2 delays).
      delayedPipe(client, upstream, delayMs, acceptedAt + 2 * delayMs);
      delayedPipe(upstream, client, delayMs);
    };
    // The SYN reaches the server one delay after the client sent it.
    if (delayMs > 0) setTimeout(open, delayMs);
    else open();
  });
}

async function closeAll(): Promise<void> {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  servers = [];
}

async function listen(routes: Route[], delayMs: number): Promise<void> {
  await closeAll();
  connects = routes.map(() => 0);
  servers = routes.map((route, index) => relay(route, index, delayMs));
  await Promise.all(
    servers.map(
      (server, index) =>
        new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ ...routes[index]!.listen, backlog: 1024 }, () => resolve());
        }),
    ),
  );
}

async function handle(request: RelayRequest): Promise<RelayReply> {
  switch (request.type) {
    case 'routes':
      await listen(request.routes, request.delayMs);
      return { type: 'ready' };
    case 'counts': {
      const taken = connects;
      connects = connects.map(() => 0);
      return { type: 'counts', connects: taken };
    }
    case 'stop':
      await closeAll();
      return { type: 'stopped' };
  }
}

process.on('message', (request: RelayRequest) => {
  handle(request).then(
    (reply) => process.send?.(reply),
    (error: Error) => process.send?.({ type: 'error', message: error.message }),
  );
});
// The bench went away (however it ended): nothing else would stop this process.
process.on('disconnect', () => process.exit(0));
