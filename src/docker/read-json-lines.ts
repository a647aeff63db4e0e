/**
 * Reads a Docker progress stream (one JSON object a line) to its end, handing each object
 * to `onEvent`. Rejects when the stream fails, closes before its end, or `onEvent` throws:
 * a stream that ends normally can still carry an error event, so the caller checks each.
 */
export function readJsonLines(
  stream: NodeJS.ReadableStream,
  onEvent: (event: Record<string, unknown>) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending = "";
    let done = false;
    const fail = (error: unknown): void => {
      if (done) return;
      done = true;
      (stream as { destroy?: () => void }).destroy?.();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    const handle = (line: string): void => {
      if (!line.trim()) return;
      let event: unknown;
      try {
        event = JSON.parse(line);
      } catch {
        return; // not a progress object; the engine only sends JSON here
      }
      if (event && typeof event === "object") onEvent(event as Record<string, unknown>);
    };
    stream.on("data", (chunk: Buffer | string) => {
      if (done) return;
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      try {
        lines.forEach(handle);
      } catch (error) {
        fail(error);
      }
    });
    stream.on("end", () => {
      if (done) return;
      try {
        handle(pending);
      } catch (error) {
        fail(error);
        return;
      }
      done = true;
      resolve();
    });
    stream.on("error", fail);
    stream.on("close", () => fail(new Error("the progress stream closed before its end")));
  });
}

/**
 * Throws the error a Docker progress event carries (`errorDetail.message`, else `error`): a
 * pull or push whose stream ends normally can still have failed.
 */
export function throwProgressError(event: Record<string, unknown>): void {
  const detail = event.errorDetail as { message?: unknown } | undefined;
  const error = detail?.message ?? event.error;
  if (error !== undefined) {
    throw new Error(typeof error === "string" ? error : JSON.stringify(error));
  }
}
