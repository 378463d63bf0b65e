import { describe, expect, it } from "vitest";
import { readChatConfig } from "../src/server/chat-config.js";

describe("readChatConfig", () => {
  it("defaults to port 3000 on every interface, without Redis", () => {
    expect(readChatConfig({})).toEqual({ port: 3000, host: undefined, redisUrl: undefined });
    expect(readChatConfig({ PORT: "", HOST: " ", REDIS_URL: "" })).toEqual({ port: 3000, host: undefined, redisUrl: undefined });
  });

  it("reads PORT, HOST and REDIS_URL", () => {
    expect(readChatConfig({ PORT: "8080", HOST: "127.0.0.1", REDIS_URL: "redis://localhost:6379" })).toEqual({
      port: 8080,
      host: "127.0.0.1",
      redisUrl: "redis://localhost:6379",
    });
    expect(readChatConfig({ PORT: "0" }).port).toBe(0);
  });

  it("refuses unusable values with INVALID_CONFIG", () => {
    for (const PORT of ["abc", "-1", "65536", "3000.5", "1e3"]) {
      expect(() => readChatConfig({ PORT }), PORT).toThrow(expect.objectContaining({ code: "INVALID_CONFIG" }));
    }
    expect(() => readChatConfig({ REDIS_URL: "http://x" })).toThrow(/REDIS_URL/);
  });
});
