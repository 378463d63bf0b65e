import { type AddressSlot, AddressCap } from "./address-cap.js";
import { ClientAddressResolver } from "./client-address.js";
import type { ResolvedEngineOptions } from "./engine-options.js";
import { type AdmitResult, runAllowRequest } from "./handshake.js";
import { type KeptRequest, keepRequest, unpackRequest } from "./handshake-request.js";
import type { EngineRequest } from "./platform.js";

/**
 * The gate in front of every new session, on both transports: which client
 * address a handshake counts against (the peer, or `X-Forwarded-For` from
 * trusted proxies), that address's live-session count against
 * `maxConnectionsPerIp`, and the app's `allowRequest` hook.
 *
 * The engine asks `hasRoom` before anything else (a flood from one address
 * never reaches the hook), runs `admit`, and `acquire`s a slot only when it
 * creates the session: a handshake abandoned in between holds nothing.
 */
export class Admission {
  /** Live sessions per client address. */
  readonly cap: AddressCap;
  private readonly addresses: ClientAddressResolver;

  constructor(private readonly options: ResolvedEngineOptions) {
    this.cap = new AddressCap(options.maxConnectionsPerIp);
    this.addresses = new ClientAddressResolver(options.trustedProxies);
  }

  /** The address a handshake request counts against. */
  address(req: EngineRequest): string {
    return this.addresses.resolve(req.address, req.headers["x-forwarded-for"]);
  }

  /** Whether `address` may open one more session now (nothing is reserved). */
  hasRoom(address: string): boolean {
    return this.cap.canAcquire(address);
  }

  /**
   * Keep the request of a handshake and run `allowRequest` on it. Without a
   * hook the request stays packed (nothing reads it until the app does).
   */
  admit(req: EngineRequest): { request: KeptRequest; allowed: AdmitResult | Promise<AdmitResult> } {
    const kept = keepRequest(req, Date.now());
    if (this.options.allowRequest === null) return { request: kept, allowed: true };
    const request = unpackRequest(kept);
    return { request, allowed: runAllowRequest(this.options, request) };
  }

  /** Count a new session of `address`; null (nothing counted) when it is at its cap. */
  acquire(address: string): AddressSlot | null {
    return this.cap.acquire(address);
  }

  /** The session stops counting (closed, or lingering only to deliver its close). Idempotent. */
  release(session: { addressSlot: AddressSlot | null }): void {
    const slot = session.addressSlot;
    if (slot === null) return;
    session.addressSlot = null;
    this.cap.release(slot);
  }
}
