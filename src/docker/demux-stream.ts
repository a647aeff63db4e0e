/**
 * Splits Docker's multiplexed attach/logs stream (no TTY): each frame is an 8-byte header —
 * stream type (1 stdout, 2 stderr), three zero bytes, a big-endian length — then the data.
 * Resolves when the stream ends or closes.
 */
export function demuxStream(
  stream: NodeJS.ReadableStream,
  onData: (stream: "stdout" | "stderr", data: Buffer) => void,
): Promise<void> {
  let buffer = Buffer.alloc(0);
  stream.on("data", (chunk: Buffer | string) => {
    buffer = Buffer.concat([buffer, typeof chunk === "string" ? Buffer.from(chunk) : chunk]);
    while (buffer.length >= 8) {
      const size = buffer.readUInt32BE(4);
      if (buffer.length < 8 + size) break;
      const type = buffer[0];
      const data = buffer.subarray(8, 8 + size);
      buffer = buffer.subarray(8 + size);
      if (type === 1 || type === 2) onData(type === 1 ? "stdout" : "stderr", data);
    }
  });
  return new Promise((resolve) => {
    stream.on("end", resolve);
    stream.on("close", resolve);
    stream.on("error", () => resolve());
  });
}
