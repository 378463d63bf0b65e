/**
 * Type tests for the typed-events generics, checked by `tsc --noEmit` (never
 * executed). Each `@ts-expect-error` line must fail to compile.
 */
import { describe, expectTypeOf, it } from "vitest";
import { createServer } from "../src/index.js";
import type { BroadcastOperator } from "../src/broadcast-operator.js";
import type { RemoteSocket } from "../src/cluster/remote-socket.js";
import type { DisconnectReason } from "../src/disconnect-reason.js";
import type { Namespace } from "../src/namespace.js";
import type { Socket } from "../src/socket.js";

interface ClientToServer {
  chat(text: string, ack: (stored: boolean) => void): void;
  typing(isTyping: boolean): void;
}

interface ServerToClient {
  message(from: string, text: string): void;
  question(q: string, ack: (answer: number) => void): void;
}

interface InterServer {
  ping(node: string): void;
  count(ack: (n: number) => void): void;
}

interface SocketData {
  userId: string;
  admin: boolean;
}

const io = createServer<ClientToServer, ServerToClient, InterServer, SocketData>();
type S = Socket<ClientToServer, ServerToClient, InterServer, SocketData>;

describe("Server generics", () => {
  it("types connection sockets and their listeners", () => {
    io.on("connection", (socket) => {
      expectTypeOf(socket).toEqualTypeOf<S>();
      socket.on("chat", (text, ack) => {
        expectTypeOf(text).toEqualTypeOf<string>();
        expectTypeOf(ack).toEqualTypeOf<(stored: boolean) => void>();
        ack(true);
        // @ts-expect-error the ack takes a boolean
        ack("yes");
      });
      socket.on("typing", (isTyping) => expectTypeOf(isTyping).toEqualTypeOf<boolean>());
      socket.on("disconnect", (reason) => expectTypeOf(reason).toEqualTypeOf<DisconnectReason>());
      socket.on("disconnecting", (reason) => expectTypeOf(reason).toEqualTypeOf<DisconnectReason>());
      // @ts-expect-error not an event the client sends
      socket.on("message", () => {});
      // @ts-expect-error wrong listener signature
      socket.on("typing", (x: string) => x);
    });
    io.of("/admin").on("connect", (socket) => expectTypeOf(socket).toEqualTypeOf<S>());
    io.on("new_namespace", (nsp) => expectTypeOf(nsp).toEqualTypeOf<Namespace<ClientToServer, ServerToClient, InterServer, SocketData>>());
  });

  it("types socket emits, acks, timeout() and emitWithAck", async () => {
    const socket = {} as S;
    socket.emit("message", "ann", "hi");
    socket.emit("question", "2+2?", (answer) => expectTypeOf(answer).toEqualTypeOf<number>());
    // @ts-expect-error missing argument
    socket.emit("message", "ann");
    // @ts-expect-error wrong argument type
    socket.emit("message", "ann", 42);
    // @ts-expect-error unknown event
    socket.emit("nope");

    socket.timeout(1000).emit("question", "2+2?", (err, answer) => {
      expectTypeOf(err).toEqualTypeOf<Error>();
      expectTypeOf(answer).toEqualTypeOf<number>();
    });
    // @ts-expect-error under timeout() the callback takes an error first
    socket.timeout(1000).emit("question", "2+2?", (answer: number) => answer);

    expectTypeOf(await socket.emitWithAck("question", "2+2?")).toEqualTypeOf<number>();
    expectTypeOf(await socket.timeout(5).emitWithAck("question", "2+2?")).toEqualTypeOf<number>();
    // @ts-expect-error message has no ack
    socket.emitWithAck("message", "a", "b");
    // @ts-expect-error emitWithAck takes the arguments without the callback
    socket.emitWithAck("question", "q", () => {});
  });

  it("types socket.data and handshake", () => {
    const socket = {} as S;
    expectTypeOf(socket.data).toEqualTypeOf<SocketData>();
    socket.data.userId = "u1";
    // @ts-expect-error userId is a string
    socket.data.userId = 1;
    expectTypeOf(socket.handshake.auth).toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf(socket.rooms).toEqualTypeOf<Set<string>>();
  });

  it("types broadcasts: acks get (err, responses[]) and emitWithAck resolves with an array", async () => {
    expectTypeOf(io.to("room")).toEqualTypeOf<BroadcastOperator<ServerToClient, SocketData>>();
    io.to("room").except("muted").emit("message", "sys", "hello");
    io.timeout(1000).emit("question", "ready?", (err, answers) => {
      expectTypeOf(err).toEqualTypeOf<Error>();
      expectTypeOf(answers).toEqualTypeOf<number[]>();
    });
    expectTypeOf(await io.timeout(1000).emitWithAck("question", "ready?")).toEqualTypeOf<number[]>();
    // @ts-expect-error wrong argument type
    io.emit("message", 1, 2);
    // @ts-expect-error unknown event
    io.volatile.emit("nope");

    const sockets = await io.fetchSockets();
    expectTypeOf(sockets).toEqualTypeOf<RemoteSocket<SocketData>[]>();
    expectTypeOf(sockets[0]!.data).toEqualTypeOf<SocketData>();
  });

  it("types server-side events and their replies", async () => {
    io.serverSideEmit("ping", "node-1");
    io.on("ping", (node) => expectTypeOf(node).toEqualTypeOf<string>());
    io.serverSideEmit("count", (err, counts) => {
      expectTypeOf(err).toEqualTypeOf<Error>();
      expectTypeOf(counts).toEqualTypeOf<number[]>();
    });
    expectTypeOf(await io.serverSideEmitWithAck("count")).toEqualTypeOf<number[]>();
    // @ts-expect-error ping takes a string
    io.serverSideEmit("ping", 1);
  });

  it("leaves an untyped server untyped", async () => {
    const plain = createServer();
    plain.on("connection", (socket) => {
      socket.on("anything", (a, b) => [a, b]);
      socket.emit("whatever", 1, { x: 2 }, () => {});
      socket.data.free = "form";
    });
    plain.to("r").emit("x", 1, 2, 3);
    const answers = await plain.timeout(10).emitWithAck("x", 1);
    expectTypeOf(answers).toBeArray();
  });
});
