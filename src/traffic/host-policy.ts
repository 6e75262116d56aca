/**
 * Hosts the proxy no longer intercepts, and why. A host lands here when its client rejected our CA
 * (certificate pinning) or its upstream speaks only HTTP/2; later connections are tunnelled as-is so
 * the app keeps working, and each such flow is recorded as `passthrough` with the reason.
 */
export class HostPolicy {
  private readonly passthrough = new Map<string, string>();

  static key(host: string, port: number): string {
    return `${host.toLowerCase()}:${port}`;
  }

  passthroughReason(host: string, port: number): string | undefined {
    return this.passthrough.get(HostPolicy.key(host, port));
  }

  markPassthrough(host: string, port: number, reason: string): void {
    this.passthrough.set(HostPolicy.key(host, port), reason);
  }

  entries(): { host: string; reason: string }[] {
    return [...this.passthrough].map(([host, reason]) => ({ host, reason }));
  }
}
