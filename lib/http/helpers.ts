/**
 * What the HTTP modules share (aiohttp's `helpers.py`): reading a
 * `Content-Type` header.
 *
 * @module
 */

/**
 * @internal The MIME type of a `Content-Type` value, without parameters
 * and lower-cased as aiohttp's `content_type` is; `application/octet-stream`
 * when there is none.
 */
export function mimeType(contentType: string | null | undefined): string {
  if (!contentType) return "application/octet-stream";
  return contentType.split(";")[0].trim().toLowerCase();
}

/** @internal The `charset` parameter of a `Content-Type` value, lower-cased, or `null`. */
export function charsetOf(contentType: string | null | undefined): string | null {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? "");
  return m === null ? null : m[1].toLowerCase();
}
