/**
 * MLLP (HL7 v2 over TCP): each message is framed as VT <message> FS CR, and each is answered in
 * the same framing before the next on that connection is handled.
 *
 * Our own framing rather than @medplum/hl7's Hl7Server/Hl7Connection, which ends a message only
 * when a TCP chunk happens to end in FS CR (a frame split across chunks, or two frames in one
 * chunk, is lost or merged), never resets its buffer after a bad frame and has no size limit.
 */
import net from "node:net";

const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;

/** What the listener does with each complete frame: its text in, the reply's text out. */
export type FrameHandler = (frame: FrameIn) => Promise<string | null>;

export type FrameIn = { kind: "message"; bytes: Buffer } | { kind: "too-large"; bytes: number } | { kind: "unframed"; bytes: Buffer };

/**
 * Splits a byte stream into frames. Bytes outside a frame (line ends between frames are normal)
 * are dropped, except that non-blank text ended by FS CR is a frame missing its VT (answered AR).
 * A frame over `maxBytes` is not kept: its end is waited for and it is answered AR.
 */
export class MllpFramer {
  private chunks: Buffer[] = [];
  private size = 0;
  private inFrame = false;
  private overflowed = false;

  constructor(private readonly maxBytes: number) {}

  /** Feeds bytes; answers the frames they complete, in order. */
  push(data: Buffer): FrameIn[] {
    const frames: FrameIn[] = [];
    let start = 0;
    for (let i = 0; i < data.length; i++) {
      const byte = data[i];
      if (byte === VT) {
        // A new frame begins: anything pending (a frame abandoned half-way) is dropped.
        this.reset();
        this.inFrame = true;
        start = i + 1;
      } else if (byte === FS) {
        this.keep(data.subarray(start, i));
        const frame = this.finish();
        if (frame) frames.push(frame);
        start = i + 1;
        if (data[i + 1] === CR) {
          i++;
          start = i + 1;
        }
      }
    }
    this.keep(data.subarray(start));
    return frames;
  }

  /** Bytes held for a frame not yet ended (what a closed connection leaves unanswered). */
  get pendingBytes(): number {
    return this.size;
  }

  private keep(bytes: Buffer): void {
    if (bytes.length === 0 || this.overflowed) return;
    if (!this.inFrame && bytes.every((b) => b === CR || b === 0x0a || b === 0x20)) return;
    if (this.size + bytes.length > this.maxBytes) {
      this.overflowed = true;
      this.chunks = [];
      return;
    }
    this.chunks.push(Buffer.from(bytes));
    this.size += bytes.length;
  }

  private finish(): FrameIn | null {
    const { inFrame, overflowed, size } = this;
    const bytes = Buffer.concat(this.chunks);
    this.reset();
    if (overflowed) return { kind: "too-large", bytes: size };
    if (!inFrame) return bytes.length > 0 ? { kind: "unframed", bytes } : null;
    return { kind: "message", bytes };
  }

  private reset(): void {
    this.chunks = [];
    this.size = 0;
    this.inFrame = false;
    this.overflowed = false;
  }
}

export function frame(text: string | Buffer): Buffer {
  const body = typeof text === "string" ? Buffer.from(text, "utf8") : text;
  return Buffer.concat([Buffer.from([VT]), body, Buffer.from([FS, CR])]);
}

export interface MllpListenerOptions {
  port: number;
  host?: string;
  /** Largest message accepted, in bytes (a larger one is answered AR). */
  maxMessageBytes: number;
  maxConnections: number;
  /** A connection that sends half a frame and then nothing for this long is closed (the frame is never acknowledged, so the sender resends it). */
  partialFrameTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface MllpListener {
  port: number;
  close: () => Promise<void>;
}

/**
 * Listens for MLLP connections. Each connection's messages are handled one after another (the
 * sender waits for each ACK anyway); connections run side by side. A socket error, a reset or a
 * handler that throws closes nothing but that connection's current frame.
 */
export function listenMllp(options: MllpListenerOptions, handle: FrameHandler): Promise<MllpListener> {
  const log = options.log ?? (() => undefined);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setKeepAlive(true, 60_000);
    socket.setNoDelay(true);
    const framer = new MllpFramer(options.maxMessageBytes);
    // Engines keep a connection open, idle, between messages; only a frame left half-sent is closed.
    socket.setTimeout(options.partialFrameTimeoutMs ?? 60_000);
    socket.on("timeout", () => {
      if (framer.pendingBytes > 0) {
        log(`HL7 feed: closed a connection idle in the middle of a message (${framer.pendingBytes} bytes dropped, never acknowledged)`);
        socket.destroy();
      }
    });
    let queue = Promise.resolve();
    socket.on("data", (data) => {
      for (const frameIn of framer.push(data)) {
        queue = queue.then(async () => {
          let reply: string | null;
          try {
            reply = await handle(frameIn);
          } catch (err) {
            log(`HL7 feed: a message could not be handled: ${(err as Error).message}`);
            return;
          }
          if (reply !== null && !socket.destroyed && socket.writable) socket.write(frame(reply));
        });
      }
    });
    socket.on("error", (err) => log(`HL7 feed: connection error: ${err.message}`));
    socket.on("close", () => {
      sockets.delete(socket);
      if (framer.pendingBytes > 0) log(`HL7 feed: a connection closed in the middle of a message (${framer.pendingBytes} bytes dropped, never acknowledged)`);
    });
  });
  server.maxConnections = options.maxConnections;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      server.on("error", (err) => log(`HL7 feed: listener error: ${err.message}`));
      const address = server.address() as net.AddressInfo;
      resolve({
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
