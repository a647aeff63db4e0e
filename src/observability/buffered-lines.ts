import TransportStream from "winston-transport";

const MESSAGE = Symbol.for("message");

/** Past this many characters waiting, the lines go out at once rather than at the end of the turn. */
const FLUSH_AT = 64 * 1024;

/**
 * winston's transport for pushgate's lines on standard output: the lines written during one
 * turn of the event loop go out in one write at its end (under load, one write for many
 * requests instead of one each: on Linux a write to a pipe or a file is synchronous).
 * Whatever is waiting is written before the process exits, however it exits: process.exit,
 * the end of the loop, an uncaught error, a signal pushgate handles. Only SIGKILL can take
 * the lines of the current turn with it, as it takes the turn's other work.
 */
export class BufferedLines extends TransportStream {
  private waiting = "";
  private scheduled = false;
  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.waiting === "") return;
    const text = this.waiting;
    this.waiting = "";
    this.out.write(text);
  };

  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {
    super();
    process.on("exit", this.flush);
  }

  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    this.waiting += `${String(info[MESSAGE])}\n`;
    if (this.waiting.length >= FLUSH_AT) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
    next();
  }

  override close(): void {
    this.flush();
    process.off("exit", this.flush);
  }
}
