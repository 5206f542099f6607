// Hands out pod IPs from 127.<subnet>.0.0/16 (127.2 by default), which every process can bind without configuring
// the loopback device; separate environments on one machine use separate subnets.
export class IpAllocator {
  private readonly byOwner = new Map<string, string>();
  private readonly used = new Set<string>();
  private readonly subnet: number;
  // every address below this index is taken, so allocation does not rescan them (65k pods would be quadratic)
  private lowestFree = 2;

  constructor(subnet = 2) {
    if (!Number.isInteger(subnet) || subnet < 2 || subnet > 254)
      throw new Error(`pod subnet 127.${subnet} is not in 2..254`);
    this.subnet = subnet;
  }

  /** Returns the owner's IP, allocating the lowest free one (from 127.2.0.2) on first use. */
  allocate(owner: string): string {
    const existing = this.byOwner.get(owner);
    if (existing) return existing;
    for (let n = this.lowestFree; n < 65535; n++) {
      const ip = this.ipOf(n);
      if (!this.used.has(ip)) {
        this.lowestFree = n + 1;
        return this.assign(owner, ip);
      }
    }
    this.lowestFree = 65535;
    throw new Error(`pod IP range 127.${this.subnet}.0.0/16 is exhausted`);
  }

  /** Keeps an IP a pod already reported before the runtime restarted. */
  reserve(owner: string, ip: string): boolean {
    if (!ip.startsWith(`127.${this.subnet}.`) || this.used.has(ip) || this.byOwner.has(owner)) return false;
    this.assign(owner, ip);
    return true;
  }

  release(owner: string): void {
    const ip = this.byOwner.get(owner);
    if (ip === undefined) return;
    this.byOwner.delete(owner);
    this.used.delete(ip);
    const [, , high = 0, low = 0] = ip.split('.').map(Number);
    this.lowestFree = Math.min(this.lowestFree, high * 256 + low);
  }

  private ipOf(n: number): string {
    return `127.${this.subnet}.${n >> 8}.${n & 255}`;
  }

  private assign(owner: string, ip: string): string {
    this.byOwner.set(owner, ip);
    this.used.add(ip);
    return ip;
  }
}
