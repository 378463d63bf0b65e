/**
 * Writes raw packet fields as a text frame the way a hostile peer would: no
 * validation, non-numbers JSON-quoted. The `forge` of the text codec suites.
 */
export function forgeText(raw: Record<string, unknown>): string[] {
  const field = (v: unknown) => (typeof v === "number" ? String(v) : JSON.stringify(v) ?? "");
  let out = "type" in raw ? field(raw.type) : "";
  if ("nsp" in raw && raw.nsp !== "/") out += (typeof raw.nsp === "string" ? raw.nsp : field(raw.nsp)) + ",";
  if ("id" in raw) out += field(raw.id);
  if ("data" in raw) out += JSON.stringify(raw.data) ?? "";
  return [out];
}
