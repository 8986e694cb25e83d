import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of Postgres that a test can break, to make Postgres unreachable:
 * `cut()` accepts connections and drops them (a flaky network), `refuse()` stops listening
 * (Postgres down: ECONNREFUSED). `restore()` undoes either on the same port. `freeze()` makes
 * every open connection silent for good while new ones work: half-open connections, as after a
 * NAT or firewall forgets them, which nothing but a timeout ever ends.
 */
export function pgProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  const pairs = new Set<[Socket, Socket]>();
  let open = true;
  let port = 0;
  let server: Server = make();
  function make(): Server {
    return createServer((client) => {
      if (!open) return client.destroy();
      const upstream = connect(target.port, target.host);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      const pair: [Socket, Socket] = [client, upstream];
      pairs.add(pair);
      client.on('close', () => pairs.delete(pair));
      client.pipe(upstream).pipe(client);
    });
  }
  const listen = (p: number) =>
    new Promise<number>((resolve) =>
      server.listen(p, '127.0.0.1', () => {
        port = (server.address() as { port: number }).port;
        resolve(port);
      }),
    );
  const dropAll = () => {
    for (const s of sockets) s.destroy();
  };
  return {
    listen: () => listen(0),
    cut() {
      open = false;
      dropAll();
    },
    async refuse() {
      open = false;
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    freeze() {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
      pairs.clear();
    },
    async restore() {
      open = true;
      if (!server.listening) {
        server = make();
        await listen(port);
      }
    },
    close: () => {
      dropAll();
      return new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}

/** A proxy in front of the database of `databaseUrl`, and the URL that goes through it. */
export async function proxiedDatabase(databaseUrl: string) {
  const real = new URL(databaseUrl);
  const proxy = pgProxy({ host: real.hostname, port: Number(real.port || 5432) });
  const via = new URL(databaseUrl);
  via.port = String(await proxy.listen());
  return { proxy, url: via.toString() };
}
