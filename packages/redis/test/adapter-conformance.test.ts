import { describe } from "vitest";
import { adapterSuite } from "./adapter-suite.js";
import { memoryImplementation, redisImplementation } from "./implementations.js";
import { describeRedis } from "./redis-harness.js";

// The same suite for the in-memory cluster and for Redis (plain pub/sub).
describe.each([memoryImplementation()])("adapter conformance: $name", (impl) => adapterSuite(impl));
describeRedis.each([redisImplementation()])("adapter conformance: $name", (impl) => adapterSuite(impl));
