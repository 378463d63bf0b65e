import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { type ConnectionStateChange, MonitoredConnection } from "../src/monitored-connection.js";
// One fake clock for the repository: the server tests' (the redis package's clock is the server's `Clock`).
import { FakeClock } from "../../server/test/fake-clock.js";

/** An ioredis look-alike whose PINGs answer only when told to. */
class FakeClient extends EventEmitter {
  status = "connecting";
  pings: { resolve: () => void }[] = [];
  destroyed = 0;
  readonly stream = { destroy: () => this.destroyed++ };
  ping() {
    return new Promise<unknown>((resolve) => this.pings.push({ resolve: () => resolve("PONG") }));
  }
  disconnect() {}
  ready() {
    this.status = "ready";
    this.emit("ready");
  }
}

describe("monitored connection", () => {
  const setup = () => {
    const clock = new FakeClock();
    const client = new FakeClient();
    const changes: ConnectionStateChange[] = [];
    const connection = new MonitoredConnection(client, { clock, pingInterval: 1000, pingTimeout: 2000 }, (c) =>
      changes.push(c),
    );
    return { clock, client, changes, connection };
  };

  it("pings every interval while answers come back, and stays ready", async () => {
    const { clock, client, connection, changes } = setup();
    client.ready();
    for (let i = 0; i < 5; i++) {
      clock.advance(1000);
      client.pings.shift()?.resolve();
      await Promise.resolve();
    }
    expect(connection.state).toBe("ready");
    expect(changes).toEqual([{ from: "connecting", to: "ready", reason: "ready" }]);
    expect(client.destroyed).toBe(0);
  });

  it("a PING unanswered for the deadline forces a reconnect within interval + deadline", () => {
    const { clock, client, connection, changes } = setup();
    client.ready();
    clock.advance(1000); // PING sent at t=1000, never answered (frozen Redis)
    clock.advance(1000);
    expect(connection.state).toBe("ready");
    clock.advance(1000); // t=3000: 2000 ms without an answer
    expect(connection.state).toBe("down");
    expect(changes.at(-1)).toEqual({ from: "ready", to: "down", reason: "ping-timeout" });
    expect(client.destroyed).toBe(1);
    client.ready(); // ioredis reconnected
    expect(connection.state).toBe("ready");
  });

  it("a connection stuck between TCP connect and ready is torn down too", () => {
    const { clock, client, changes } = setup();
    client.status = "connect"; // TCP up, ready check unanswered (Redis frozen)
    clock.advance(1000);
    clock.advance(1000);
    expect(client.destroyed).toBe(0);
    clock.advance(1000);
    expect(client.destroyed).toBe(1);
    expect(changes.at(-1)?.reason).toBe("handshake-timeout");
  });

  it("a late PONG from before a reconnect does not clear the new probe", async () => {
    const { clock, client, connection } = setup();
    client.ready();
    clock.advance(1000);
    const stale = client.pings.shift()!;
    clock.advance(2000); // timeout → reconnect
    client.ready();
    clock.advance(1000); // new PING
    stale.resolve(); // the old answer arrives late
    await Promise.resolve();
    clock.advance(2000);
    expect(connection.state).toBe("down"); // the new PING was still unanswered
  });

  it("close stops the timer and reports closed", () => {
    const { clock, client, connection, changes } = setup();
    client.ready();
    connection.close();
    clock.advance(10_000);
    expect(client.pings).toHaveLength(0);
    expect(changes.at(-1)?.to).toBe("closed");
  });
});
