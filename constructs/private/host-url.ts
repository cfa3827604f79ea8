/**
 * The URL a person on the Docker host opens for a published port: a port
 * bound to every address (0.0.0.0) is reached on 127.0.0.1.
 */
export function hostUrl(bindAddress: string, port: number, scheme = "http"): string {
  return `${scheme}://${bindAddress === "0.0.0.0" ? "127.0.0.1" : bindAddress}:${port}`;
}
