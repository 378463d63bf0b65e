import { afterAll, beforeAll, expect, it } from "vitest";
import { describeRedis, freePort, type RedisClusterProcess, rawCommand, startRedis, startRedisCluster } from "./redis-harness.js";

describeRedis("redis harness", () => {
  it("starts, kills -9, restarts on the same port, pauses and resumes a redis-server", async () => {
    const redis = await startRedis();
    try {
      expect(await rawCommand(redis.port, ["PING"])).toBe("+PONG");
      expect(redis.cli("CONFIG", "GET", "appendonly")).toContain("no");
      const firstPid = redis.pid;
      await redis.kill();
      expect(redis.running).toBe(false);
      await expect(rawCommand(redis.port, ["PING"], 300)).rejects.toThrow();
      await redis.restart();
      expect(redis.pid).not.toBe(firstPid);
      expect(await rawCommand(redis.port, ["PING"])).toBe("+PONG");
      redis.pause();
      await expect(rawCommand(redis.port, ["PING"], 300)).rejects.toThrow(/no reply/);
      redis.resume();
      expect(await rawCommand(redis.port, ["PING"])).toBe("+PONG");
    } finally {
      await redis.stop();
    }
    expect(redis.running).toBe(false);
  });

  it("hands out distinct free ports", async () => {
    const a = await freePort();
    const b = await freePort();
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
  });

  describeRedis("cluster", () => {
    let cluster: RedisClusterProcess;
    beforeAll(async () => {
      cluster = await startRedisCluster(3);
    });
    afterAll(async () => {
      await cluster?.stop();
    });

    it("forms a 3-master cluster covering every slot", () => {
      const info = cluster.nodes[0]!.cli("CLUSTER", "INFO");
      expect(info).toContain("cluster_state:ok");
      expect(info).toContain("cluster_slots_assigned:16384");
      expect(info).toContain("cluster_size:3");
    });
  });
});
