import { describe, expect, it } from "vitest";
import { ClientError, ConnectError, ConnectionError } from "../src/errors.js";

describe("client errors", () => {
  it("spell the code as the message when none is given, and carry a cause only when there is one", () => {
    const plain = new ClientError("OFFLINE_BUFFER_FULL");
    expect(plain.message).toBe("offline buffer full");
    expect(plain.name).toBe("ClientError");
    expect("cause" in plain).toBe(false);
    const reason = new Error("boom");
    const caused = new ClientError("AUTH_FAILED", undefined, reason);
    expect(caused.message).toBe("auth failed");
    expect(caused.cause).toBe(reason);
    expect(new ClientError("ACK_TIMEOUT", "operation has timed out").message).toBe("operation has timed out");
  });

  it("name the connection failures by their codes", () => {
    const timeout = new ConnectionError("transport error", { error: new ClientError("HANDSHAKE_TIMEOUT") });
    expect([timeout.code, timeout.reason, timeout.name]).toEqual(["CONNECT_TIMEOUT", "timeout", "ConnectionError"]);
    const http = new ConnectionError("transport error", { status: 503 });
    expect([http.code, http.message]).toEqual(["CONNECT_FAILED", "connection failed: transport error (HTTP 503)"]);
    const refused = new ConnectError("not authorized", { code: 42 });
    expect([refused.code, refused.message, refused.data]).toEqual(["CONNECT_REFUSED", "not authorized", { code: 42 }]);
    expect(refused).toBeInstanceOf(ClientError);
  });
});
