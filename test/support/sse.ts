/** One Server-Sent Event as received, with when it arrived. */
export interface ReceivedEvent {
  event: string;
  data: Record<string, unknown>;
  at: number;
}

export interface EventStream {
  status: number;
  contentType: string | null;
  /** Resolves with the next event, or undefined once the stream has ended. */
  next(): Promise<ReceivedEvent | undefined>;
  close(): void;
}

/** Opens an SSE stream with fetch and parses `event:`/`data:` blocks as they arrive. */
export async function openEventStream(url: string, token: string): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
    signal: controller.signal,
  });
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const pending: ReceivedEvent[] = [];
  let ended = false;

  const parse = (): void => {
    let cut: number;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      if (data.length > 0) {
        pending.push({
          event,
          data: JSON.parse(data.join("\n")) as Record<string, unknown>,
          at: Date.now(),
        });
      }
    }
  };

  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    async next() {
      while (pending.length === 0 && !ended && reader) {
        const chunk: { done: boolean; value?: Uint8Array } = await reader
          .read()
          .then((read) => ({ done: read.done, value: read.value as Uint8Array | undefined }))
          .catch(() => ({ done: true }));
        if (chunk.done || !chunk.value) ended = true;
        else buffer += decoder.decode(chunk.value, { stream: true });
        parse();
      }
      return pending.shift();
    },
    close: () => controller.abort(),
  };
}
