// Placeholder for the chat demo (issue "apps"): it serves a page that says the demo is not there
// yet, so the README's first command already works end to end on a fresh machine.
import { createServer } from "node:http";

const port = Number(process.env.PORT ?? 3000);
const page = `<!doctype html><meta charset="utf-8"><title>Cometa chat</title>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>Cometa chat</h1><p>The chat demo is not there yet: it arrives with the apps issue.
The framework packages and their tests are in <code>packages/</code>.</p></body>`;

const server = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  res.end(page);
});
server.listen(port, () => console.log(`Cometa chat (placeholder) listening on http://localhost:${port}`));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
