import { createHmac } from "node:crypto";
import { expect } from "vitest";
import { engineRequest } from "./expect-http.js";
import { encodePart, JWT, signToken, validClaims } from "./fixtures/jwt.js";
import { type HostileRow, hostileSuite, type RowContext } from "./harness.js";
import { httpRequest, rawHttp, UPGRADE } from "./raw-http.js";
import { type SioOpenOptions, SioSocket, T } from "./sio-socket.js";

/**
 * RELIABILITY.md §4(c) auth rows A1–A5 against the fixture's `/secure`
 * namespace: an HS256 JWT checked in connection middleware
 * (fixtures/jwt.ts), revocation through the server's stdin, and a
 * failed-login throttle that refuses handshakes with 429 through
 * `allowRequest` (an `AllowRequestRefusal`). The throttle trips after 20
 * failures per address, so each row fails from a loopback address of its own.
 */

/** Every token a row used: none may ever appear in the server's output (A3, S12). */
const usedTokens: string[] = [];

function remember(token: string): string {
  usedTokens.push(token);
  return token;
}

/** CONNECT to /secure with `auth`; the reply packet (CONNECT or CONNECT_ERROR) and the socket. */
async function login(ctx: RowContext, auth: Record<string, unknown> | undefined, options: SioOpenOptions = {}) {
  const socket = await SioSocket.open(ctx.server.port, { ...options, nsp: null });
  socket.send(auth === undefined ? { type: T.CONNECT, nsp: "/secure" } : { type: T.CONNECT, nsp: "/secure", data: auth });
  const reply = await socket.next((p) => p.nsp === "/secure" && (p.type === T.CONNECT || p.type === T.CONNECT_ERROR));
  return { socket, reply };
}

async function expectUnauthorized(ctx: RowContext, auth: Record<string, unknown> | undefined, options?: SioOpenOptions): Promise<void> {
  const { socket, reply } = await login(ctx, auth, options);
  socket.close();
  expect(reply, JSON.stringify(auth)?.slice(0, 60)).toMatchObject({ type: T.CONNECT_ERROR, data: { message: "unauthorized", data: { code: "BAD_TOKEN" } } });
  ctx.tried();
}

const now = () => Math.floor(Date.now() / 1000);

const rows: HostileRow[] = [
  {
    id: "A1",
    name: 'no token, empty, wrong type → CONNECT_ERROR {"message":"unauthorized"}',
    async run(ctx) {
      for (const auth of [undefined, {}, { token: "" }, { token: 123 }, { token: { a: 1 } }, { token: null }, { token: ["a.b.c"] }, { token: "a.b" }, { token: "...." }]) {
        await expectUnauthorized(ctx, auth, { localAddress: "127.0.0.11" });
      }
    },
  },
  {
    id: "A2",
    name: "JWT expired, nbf in the future, alg none, HS/RS confusion, bad signature, wrong aud / iss → unauthorized",
    async run(ctx) {
      const claims = validClaims("a2");
      const head = `${encodePart({ alg: "RS256", typ: "JWT" })}.${encodePart(claims)}`;
      const forged = [
        signToken({ ...claims, exp: now() - 10 }),
        signToken({ ...claims, nbf: now() + 3600 }),
        `${encodePart({ alg: "none", typ: "JWT" })}.${encodePart(claims)}.`,
        `${encodePart({ alg: "None" })}.${encodePart(claims)}.${signToken(claims).split(".")[2]}`,
        // HS/RS confusion: RS256 in the header, signed with HMAC as if the public key were the secret.
        `${head}.${createHmac("sha256", "-----BEGIN PUBLIC KEY-----").update(head).digest("base64url")}`,
        `${head}.${createHmac("sha256", JWT.secret).update(head).digest("base64url")}`,
        signToken(claims, { alg: "HS256" }, "wrong-secret"),
        `${signToken(claims).slice(0, -2)}AA`,
        signToken({ ...claims, aud: "someone-else" }),
        signToken({ ...claims, iss: "evil" }),
        signToken({ ...claims, exp: "never" }),
        signToken({ ...claims, jti: 42 }),
        signToken(claims, { alg: "hs256" }),
        `${signToken(claims)}.extra`,
      ];
      const from = { localAddress: "127.0.0.12" };
      for (const token of forged) await expectUnauthorized(ctx, { token: remember(token) }, from);
      // Control: the same claims, properly signed, get in.
      const { socket, reply } = await login(ctx, { token: remember(signToken(claims)) }, from);
      expect(reply.type).toBe(T.CONNECT);
      expect(await socket.call("/secure", ["whoami"])).toEqual(["a2"]);
      socket.close();
    },
  },
  {
    id: "A3",
    name: "token only in the query string → refused (policy: auth payload only), never logged",
    async run(ctx) {
      const token = remember(signToken(validClaims("a3-query")));
      await expectUnauthorized(ctx, undefined, { query: `&token=${token}`, localAddress: "127.0.0.13" });
      const polling = await engineRequest(ctx.server, "GET", `EIO=4&transport=polling&token=${token}`);
      expect(polling.response?.status).toBe(200);
      expect(ctx.server.logs()).not.toContain(token);
      ctx.tried();
    },
  },
  {
    id: "A4",
    name: "token revoked (logout) → its live sockets are disconnected within 1 s; the same token is refused afterwards",
    async run(ctx) {
      const token = remember(signToken(validClaims("a4-session")));
      const first = await login(ctx, { token });
      const second = await login(ctx, { token });
      expect([first.reply.type, second.reply.type]).toEqual([T.CONNECT, T.CONNECT]);
      const revoked = performance.now();
      await ctx.server.revoke("a4-session");
      for (const { socket } of [first, second]) {
        const ended = await Promise.race([
          socket.next((p) => p.type === T.DISCONNECT && p.nsp === "/secure").then(() => "DISCONNECT"),
          socket.closed.then(({ code }) => `close ${code}`),
        ]);
        expect(ended).toMatch(/DISCONNECT|close/);
        socket.close();
      }
      expect(performance.now() - revoked).toBeLessThan(1000);
      await expectUnauthorized(ctx, { token }, { localAddress: "127.0.0.14" });
      ctx.tried(2);
    },
  },
  {
    id: "A5",
    name: "1 000 failed logins from one address → throttled: connection closed, then 429 on polling and WebSocket handshakes; verifier calls bounded",
    timeout: 20_000,
    async run(ctx) {
      const attacker = { localAddress: "127.0.0.5" };
      const before = await ctx.server.stats();
      // In-session retries: CONNECT_ERROR each time until the throttle closes the connection.
      const socket = await SioSocket.open(ctx.server.port, { ...attacker, nsp: null });
      let refusals = 0;
      for (let i = 0; i < 1000 && socket.open; i++) {
        socket.send({ type: T.CONNECT, nsp: "/secure", data: { token: `bad.${i}.token` } });
        const outcome = await Promise.race([socket.next((p) => p.type === T.CONNECT_ERROR && refusalsOf(socket) > refusals), socket.closed]);
        if ("type" in outcome) refusals++;
      }
      const closed = await socket.closed;
      expect(closed.code).toBe(1000);
      expect(refusals).toBeLessThanOrEqual(21);
      // New handshakes from the address: 429 before any session exists, on both transports.
      let throttled = 0;
      for (let i = 0; i < 1000 - refusals; i += 50) {
        const batch = await Promise.all(
          Array.from({ length: 25 }, () => engineRequest(ctx.server, "GET", "EIO=4&transport=polling", {}, undefined, attacker)),
        );
        const upgrades = await Promise.all(
          Array.from({ length: 25 }, () =>
            rawHttp(ctx.server.port, httpRequest("GET", "/socket.io/?EIO=4&transport=websocket", UPGRADE), attacker),
          ),
        );
        for (const result of [...batch, ...upgrades]) {
          expect(result.response?.status).toBe(429);
          expect(JSON.parse(result.response!.body)).toEqual({ code: 4, message: "Too many failed logins" });
          throttled++;
        }
      }
      expect(throttled + refusals).toBeGreaterThanOrEqual(1000);
      const after = await ctx.server.stats();
      // The auth backend saw about 20 attempts, not 1 000.
      expect(after.verifierCalls - before.verifierCalls).toBeLessThanOrEqual(21);
      // Other addresses are unaffected.
      const { socket: fine, reply } = await login(ctx, { token: remember(signToken(validClaims("a5-other"))) });
      expect(reply.type).toBe(T.CONNECT);
      fine.close();
      ctx.tried(3);
    },
  },
  {
    id: "S12",
    name: "no token used by any row appears in the server's output",
    async run(ctx) {
      const logs = ctx.server.logs();
      for (const token of usedTokens) expect(logs.includes(token), token.slice(0, 20)).toBe(false);
      ctx.tried();
    },
  },
];

function refusalsOf(socket: SioSocket): number {
  return socket.packets.filter((p) => p.type === T.CONNECT_ERROR).length;
}

hostileSuite("auth payloads (A)", rows);
