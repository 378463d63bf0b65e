import { readdir, stat } from "node:fs/promises";
import { extname, join, relative, sep } from "node:path";

/** One file the server may send. */
export interface StaticFile {
  /** Absolute path on disk. */
  readonly path: string;
  /** Absolute path of a gzip-compressed copy made at build time, if any. */
  readonly gzipPath: string | undefined;
  /** Size of that copy in bytes (0 without one). */
  readonly gzipSize: number;
  readonly contentType: string;
  readonly cacheControl: string;
  /** Weak validator from size and modification time, as nginx does. */
  readonly etag: string;
  readonly size: number;
}

/** The files of a built site, by URL path. */
export interface StaticSite {
  /** The file for a request path (`/` is `/index.html`), or undefined. */
  lookup(urlPath: string): StaticFile | undefined;
  /** Every URL path served (tests, logs). */
  readonly paths: readonly string[];
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

/** Bundler output names carry a content hash (`app-3KQ2XZ7A.js`): such a URL never changes meaning. */
const HASHED = /-[A-Z0-9]{8}\.[a-z0-9]+$/;

/**
 * Index the files under `root` once, at start: requests are then answered
 * from this list only, so no request path ever reaches the file system
 * (no `..` tricks), and unknown paths are a map miss.
 *
 * Cache policy: hashed assets are immutable for a year; everything else
 * (the HTML) is revalidated on every load with its ETag.
 *
 * @example
 * ```ts
 * const site = await loadStaticSite(new URL("../public", import.meta.url).pathname);
 * site.lookup("/")?.contentType; // "text/html; charset=utf-8"
 * ```
 */
export async function loadStaticSite(root: string): Promise<StaticSite> {
  const files = new Map<string, StaticFile>();
  const names = await listFiles(root);
  const available = new Set(names);
  for (const path of names) {
    if (path.endsWith(".gz")) continue;
    const info = await stat(path);
    const urlPath = `/${relative(root, path).split(sep).join("/")}`;
    const gzipPath = available.has(`${path}.gz`) ? `${path}.gz` : undefined;
    files.set(urlPath, {
      path,
      gzipPath,
      gzipSize: gzipPath === undefined ? 0 : (await stat(gzipPath)).size,
      contentType: CONTENT_TYPES[extname(path)] ?? "application/octet-stream",
      cacheControl: HASHED.test(path) ? "public, max-age=31536000, immutable" : "no-cache",
      etag: `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`,
      size: info.size,
    });
  }
  return {
    lookup: (urlPath) => files.get(urlPath === "/" ? "/index.html" : urlPath),
    paths: [...files.keys()],
  };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return listFiles(path);
      return Promise.resolve(entry.isFile() ? [path] : []);
    }),
  );
  return nested.flat();
}
