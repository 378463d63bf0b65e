/**
 * Type tests, checked by `tsc --noEmit` (this file is not run by vitest).
 * Each `@ts-expect-error` must stay an error, so loosening a type fails the typecheck.
 */
import { describe, expectTypeOf, it } from "vitest";
import { type ClientError, connect, type DisconnectReason, type Socket } from "../src/index.js";
import { connect as connectJson } from "../src/json.js";

interface ServerToClient {
  message(text: string, at: number): void;
  question(q: string, answer: (reply: string) => void): void;
}

interface ClientToServer {
  send(text: string, ack: (stored: boolean) => void): void;
  typing(on: boolean): void;
  count(ack: (n: number, extra: string) => void): void;
}

describe("typed sockets", () => {
  it("types listeners from the server→client map, reserved events included", () => {
    const socket = connect<ServerToClient, ClientToServer>("http://localhost", { autoConnect: false });
    expectTypeOf(socket).toEqualTypeOf<Socket<ServerToClient, ClientToServer>>();
    socket.on("message", (text, at) => {
      expectTypeOf(text).toEqualTypeOf<string>();
      expectTypeOf(at).toEqualTypeOf<number>();
    });
    socket.on("question", (_q, answer) => answer("yes"));
    socket.on("connect", () => {});
    socket.on("connect_error", (err) => expectTypeOf(err).toMatchTypeOf<Error>());
    socket.on("disconnect", (reason) => expectTypeOf(reason).toEqualTypeOf<DisconnectReason>());
    // @ts-expect-error wrong argument type
    socket.on("message", (_text: number) => {});
    // @ts-expect-error unknown event
    socket.on("nope", () => {});
    // @ts-expect-error reply must be a string
    socket.on("question", (_q, answer) => answer(1));
  });

  it("types emits from the client→server map", () => {
    const socket = connect<ServerToClient, ClientToServer>("http://localhost", { autoConnect: false });
    socket.emit("typing", true);
    socket.emit("send", "hi", (stored) => expectTypeOf(stored).toEqualTypeOf<boolean>());
    socket.volatile.emit("typing", false);
    socket.compress(false).emit("typing", false);
    // @ts-expect-error wrong argument type
    socket.emit("typing", "yes");
    // @ts-expect-error unknown event
    socket.emit("unknown");
    // @ts-expect-error missing argument
    socket.emit("typing");
  });

  it("emitWithAck resolves with the first ack argument and only accepts events with an ack", () => {
    const socket = connect<ServerToClient, ClientToServer>("http://localhost", { autoConnect: false });
    expectTypeOf(socket.emitWithAck("send", "hi")).toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(socket.emitWithAck("count")).toEqualTypeOf<Promise<number>>();
    expectTypeOf(socket.timeout(100).emitWithAck("send", "hi")).toEqualTypeOf<Promise<boolean>>();
    // @ts-expect-error typing takes no ack
    void socket.emitWithAck("typing", true);
    // @ts-expect-error the ack is not passed to emitWithAck
    void socket.emitWithAck("send", "hi", () => {});
  });

  it("timeout() makes ack callbacks error-first", () => {
    const socket = connect<ServerToClient, ClientToServer>("http://localhost", { autoConnect: false });
    socket.timeout(1000).emit("send", "hi", (err, stored) => {
      expectTypeOf(err).toEqualTypeOf<Error>();
      expectTypeOf(stored).toEqualTypeOf<boolean>();
    });
    // @ts-expect-error under timeout() the first ack argument is the error
    socket.timeout(1000).emit("send", "hi", (_stored: boolean) => {});
    socket.timeout(1000).volatile.emit("typing", true);
  });

  it("is loose without maps, like socket.io-client", () => {
    const socket = connect("http://localhost", { autoConnect: false });
    socket.emit("anything", 1, { a: 2 }, () => {});
    // biome-ignore lint/suspicious/noExplicitAny: untyped maps give any[], as in socket.io-client
    socket.on("whatever", (...args) => expectTypeOf(args).toEqualTypeOf<any[]>());
    // biome-ignore lint/suspicious/noExplicitAny: see above
    expectTypeOf(socket.emitWithAck("x", 1)).toEqualTypeOf<Promise<any>>();
    // Reserved listeners stay typed.
    socket.on("disconnect", (reason) => expectTypeOf(reason).toEqualTypeOf<DisconnectReason>());
  });

  it("checks options and codec names per entry", () => {
    connect("http://localhost", { codec: "msgpack", retries: 3, ackTimeout: 1000, autoConnect: false });
    connect("http://localhost", { codec: "text", autoConnect: false });
    connectJson("http://localhost", { codec: "text", autoConnect: false });
    // @ts-expect-error the json entry has no MessagePack
    connectJson("http://localhost", { codec: "msgpack", autoConnect: false });
    // @ts-expect-error unknown option value
    connect("http://localhost", { transports: ["carrier-pigeon"] });
    const onError = (err: ClientError) => expectTypeOf(err.code).toEqualTypeOf<ClientError["code"]>();
    void onError;
  });
});
