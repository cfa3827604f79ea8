/** An error as a person reads it: what happened, and a fix when the error alone tells it. */
export interface DescribedError {
  readonly saw: string;
  /** Set when the error itself points at the fix; otherwise the check's own advice applies. */
  readonly fix?: string;
}

/** Socket error codes, said plainly. */
const SOCKET_ERRORS: Record<string, DescribedError> = {
  ECONNREFUSED: { saw: "connection refused{at} (nothing listens there)" },
  ECONNRESET: { saw: "the connection was reset by the other side" },
  EHOSTUNREACH: { saw: "host unreachable" },
  ENETUNREACH: { saw: "network unreachable" },
  ETIMEDOUT: { saw: "the connection timed out" },
  EPIPE: { saw: "the other side closed the connection" },
  ENOTFOUND: { saw: "the host name does not resolve", fix: "check the host name in the URL" },
  EAI_AGAIN: { saw: "the host name could not be resolved (DNS)", fix: "check the host name in the URL and your DNS" },
  UND_ERR_SOCKET: { saw: "the other side closed the connection" },
  UND_ERR_HEADERS_TIMEOUT: { saw: "no response headers in time" },
  ERR_INVALID_URL: { saw: "the URL is not valid", fix: "pass a full URL such as http://127.0.0.1:9090" },
};

/**
 * Turns whatever a client library threw into one line, without a stack
 * trace: fetch's "fetch failed" hides the socket error in `cause`, the NATS
 * client wraps its own.
 */
export function describeError(error: unknown): DescribedError {
  for (const layer of causes(error)) {
    const code = (layer as { code?: unknown }).code;
    if (typeof code === "string" && code in SOCKET_ERRORS) {
      const known = SOCKET_ERRORS[code];
      const where = addressOf(layer);
      const at = where ? ` at ${where}` : "";
      return { ...known, saw: known.saw.includes("{at}") ? known.saw.replace("{at}", at) : `${known.saw}${at}` };
    }
    if (layer instanceof Error && (layer.name === "AbortError" || layer.name === "TimeoutError")) {
      return { saw: "no answer in time" };
    }
  }
  const messages = causes(error)
    .map((layer) => (layer instanceof Error ? layer.message : String(layer)))
    .filter((message, index, all) => message !== "" && all.indexOf(message) === index);
  return { saw: messages.join(": ") || "unknown error" };
}

/** The error and its chain of causes, outermost first. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let layer: unknown = error;
  while (layer !== undefined && layer !== null && chain.length < 8 && !chain.includes(layer)) {
    chain.push(layer);
    layer = layer instanceof Error ? layer.cause : undefined;
  }
  return chain;
}

function addressOf(error: unknown): string | undefined {
  const { address, port } = error as { address?: unknown; port?: unknown };
  if (typeof address !== "string") return undefined;
  return typeof port === "number" ? `${address}:${port}` : address;
}
