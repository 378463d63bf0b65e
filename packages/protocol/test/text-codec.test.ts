import { createTextCodec } from "../src/index.js";
import { runCodecSuite } from "./codec-suite.js";
import { forgeText } from "./forge-text.js";

runCodecSuite("text", () => createTextCodec(), { binaryInData: false, forge: forgeText });
