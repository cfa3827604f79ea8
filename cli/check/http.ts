/** A response read whole: checks look at small JSON or text bodies only. */
export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

/** Options of {@link httpGet}. */
export interface HttpOptions {
  readonly signal: AbortSignal;
  /** Basic auth, for Grafana's API. */
  readonly auth?: { readonly user: string; readonly password: string };
  readonly method?: "GET" | "POST";
}

/** Joins a base URL and a path, whatever slashes the user typed. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

/** Fetches a URL and reads its body; the signal bounds the whole exchange. */
export async function httpGet(url: string, options: HttpOptions): Promise<HttpResponse> {
  const headers: Record<string, string> = { accept: "application/json, text/plain;q=0.9, */*;q=0.5" };
  if (options.auth) {
    headers.authorization = `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString("base64")}`;
  }
  const response = await fetch(url, { method: options.method ?? "GET", headers, signal: options.signal, redirect: "manual" });
  return { status: response.status, body: await response.text() };
}

/** Parses a JSON body; a body that is not JSON says so, with its start. */
export function parseJson<T>(response: HttpResponse, what: string): T {
  try {
    return JSON.parse(response.body) as T;
  } catch {
    throw new Error(`${what} did not answer with JSON (HTTP ${response.status}, body starts "${snippet(response.body)}")`);
  }
}

/** The first characters of a body, on one line, for messages. */
export function snippet(body: string, length = 80): string {
  const line = body.replace(/\s+/g, " ").trim();
  return line.length > length ? `${line.slice(0, length)}...` : line;
}
