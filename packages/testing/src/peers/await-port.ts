import { connect } from "node:net";

/**
 * Resolve once `127.0.0.1:port` accepts a TCP connection: the only readiness
 * signal of daemons such as nginx. Rejects when `exitCode()` reports that the
 * process died, or after `timeoutMs`.
 */
export async function awaitPort(port: number, exitCode: () => number | null, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const code = exitCode();
    if (code !== null) throw new Error(`exited with code ${code}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    // Polling a port that is not open yet: there is no event to await.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`port ${port} not open after ${timeoutMs} ms`);
}
