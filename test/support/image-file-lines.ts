/**
 * Dockerfile lines writing `text` to `path` in the image (busybox's base64: no build context
 * is needed, and no quoting of the text).
 */
export function fileLines(path: string, text: string): string[] {
  const dir = path.slice(0, path.lastIndexOf("/")) || "/";
  const encoded = Buffer.from(text).toString("base64");
  return [`RUN mkdir -p ${dir} && echo ${encoded} | base64 -d > ${path}`];
}
