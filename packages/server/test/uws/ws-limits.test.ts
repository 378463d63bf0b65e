import { describe, expect, it } from "vitest";
import { firstProtocol } from "../../src/uws/mount-engine.js";
import { onClientPing, PING_BURST, PINGS_PER_SECOND } from "../../src/uws/ping-flood.js";
import { SOCKET_CLOSED, type UwsWebSocket } from "../../src/uws/ws-driver.js";

/** WebSocket handshake and frame limits of the uWS binding (the live checks are in test/hostile/). */

describe("Sec-WebSocket-Protocol (RELIABILITY H15)", () => {
  it("echoes the first entry only when it is a short token", () => {
    expect(firstProtocol(undefined)).toBe("");
    expect(firstProtocol("chat, superchat")).toBe("chat");
    expect(firstProtocol(" a ")).toBe("a");
    expect(firstProtocol(", a")).toBe("");
    expect(firstProtocol("a b, c")).toBe("");
    expect(firstProtocol("x".repeat(65))).toBe("");
    expect(firstProtocol(Array.from({ length: 10_000 }, (_, i) => `p${i}`).join(","))).toBe("p0");
  });
});

describe("ping flood limiter (RELIABILITY W9)", () => {
  /** A stand-in for a uWS socket: user data and end(). */
  const fakeSocket = () => {
    const data = { ticket: null, session: null, pingDue: 0 };
    const ended: [number, string][] = [];
    const ws = { getUserData: () => data, end: (code: number, reason: string) => ended.push([code, reason]) };
    return { ws: ws as unknown as UwsWebSocket, data, ended };
  };

  it("lets a burst of PING_BURST through, then closes with 1008", () => {
    const { ws, ended } = fakeSocket();
    for (let i = 0; i <= PING_BURST; i++) onClientPing(ws, 1000);
    expect(ended).toEqual([]);
    onClientPing(ws, 1000);
    expect(ended).toEqual([[1008, "too many pings"]]);
  });

  it("allows PINGS_PER_SECOND forever", () => {
    const { ws, ended } = fakeSocket();
    for (let t = 0; t < 60_000; t += 1000 / PINGS_PER_SECOND) onClientPing(ws, 1000 + Math.ceil(t));
    expect(ended).toEqual([]);
  });

  it("ignores pings on a closed socket", () => {
    const { ws, data, ended } = fakeSocket();
    data.pingDue = SOCKET_CLOSED;
    for (let i = 0; i < 200; i++) onClientPing(ws, 1);
    expect(ended).toEqual([]);
  });
});
