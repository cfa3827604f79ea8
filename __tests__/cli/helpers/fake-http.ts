import { createServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createTcpServer, type Socket } from "node:net";

/** What a fake route answers. */
export interface FakeAnswer {
  readonly status?: number;
  readonly body: string | object;
}

/** A route: fixed answer, or computed from the request. */
export type FakeRoute = FakeAnswer | ((request: IncomingMessage) => FakeAnswer);

/** A local HTTP server on 127.0.0.1 that plays a service with recorded answers. */
export interface FakeServer {
  readonly url: string;
  /** "METHOD path?query" of each request received. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * Serves `routes` (keyed by "GET /path" or "/path", query string ignored);
 * anything else is a 404, as the real services answer unknown paths.
 */
export async function startFakeServer(routes: Record<string, FakeRoute>): Promise<FakeServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    requests.push(`${request.method} ${request.url}`);
    const route = routes[`${request.method} ${path}`] ?? routes[path];
    const answer = typeof route === "function" ? route(request) : (route ?? { status: 404, body: "404 page not found\n" });
    const body = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
    response.writeHead(answer.status ?? 200, { "content-type": typeof answer.body === "string" ? "text/plain" : "application/json" });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A TCP server that accepts connections and never says a word: the worst
 * case for a client's timeouts (a hung service, not a refused port).
 */
export async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
