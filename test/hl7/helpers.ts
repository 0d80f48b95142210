import net from "node:net";

const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;

export function frameOf(text: string): Buffer {
  return Buffer.concat([Buffer.from([VT]), Buffer.from(text, "utf8"), Buffer.from([FS, CR])]);
}

/** A PAS's end of an MLLP connection: a plain TCP socket that frames messages and reads ACK frames. */
export class MllpClient {
  private buffer = Buffer.alloc(0);
  private readonly acks: string[] = [];
  private readonly waiting: ((ack: string) => void)[] = [];

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (data) => {
      this.buffer = Buffer.concat([this.buffer, data]);
      for (;;) {
        const start = this.buffer.indexOf(VT);
        const end = this.buffer.indexOf(FS);
        if (start < 0 || end < 0) break;
        const ack = this.buffer.subarray(start + 1, end).toString("utf8");
        this.buffer = this.buffer.subarray(this.buffer[end + 1] === CR ? end + 2 : end + 1);
        const waiter = this.waiting.shift();
        if (waiter) waiter(ack);
        else this.acks.push(ack);
      }
    });
  }

  static connect(port: number): Promise<MllpClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: "127.0.0.1" }, () => resolve(new MllpClient(socket)));
      socket.once("error", reject);
    });
  }

  /** The next ACK received (waits up to 20 s). */
  nextAck(): Promise<string> {
    const ready = this.acks.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("No ACK within 20 s")), 20_000);
      this.waiting.push((ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
    });
  }

  /** Sends a message in a frame and waits for its ACK. */
  async send(text: string): Promise<Ack> {
    this.socket.write(frameOf(text));
    return parseAck(await this.nextAck());
  }

  write(bytes: Buffer | string): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface Ack {
  text: string;
  code: string;
  controlId: string;
  message: string;
  err: string | null;
}

export function parseAck(text: string): Ack {
  const segments = text.split("\r");
  const msa = (segments.find((s) => s.startsWith("MSA|")) ?? "").split("|");
  return { text, code: msa[1] ?? "", controlId: msa[2] ?? "", message: msa[3] ?? "", err: segments.find((s) => s.startsWith("ERR|")) ?? null };
}

export interface PasMessage {
  event: "A01" | "A02" | "A03" | "A08" | "A11" | "A13" | "A40" | string;
  controlId: string;
  nhsNumber: string;
  /** PID-5 as the PAS escapes it: "O'BRIEN\\T\\SMITH". */
  family?: string;
  given?: string;
  dob?: string;
  sex?: string;
  ward?: string;
  bed?: string;
  /** EVN-6 and MSH-7 (HL7 time). */
  at: string;
  dischargeAt?: string;
  disposition?: string;
  admitAt?: string;
  mergedNhsNumber?: string;
  extraSegments?: string[];
}

/**
 * An ADT message as a PAS builds it: MSH with the encoding characters, EVN, a PID whose PID-3
 * repeats (the hospital number first, then the NHS number with type NH), a PV1 of all its fields
 * (PV1-45 empty unless a discharge) and, for A40, MRG.
 */
export function pasMessage(m: PasMessage): string {
  const structure = m.event === "A08" ? "ADT_A01" : m.event === "A40" ? "ADT_A39" : `ADT_${m.event}`;
  const pv1 = new Array<string>(53).fill("");
  pv1[0] = "PV1";
  pv1[1] = "1";
  pv1[2] = "I";
  pv1[3] = m.ward !== undefined ? `${m.ward}^^${m.bed ?? ""}^RXX01` : "";
  pv1[7] = "C3456789^SURGEON^ANNA^^^MR";
  pv1[10] = "110";
  pv1[19] = `V${m.controlId}`;
  pv1[36] = m.disposition ?? "";
  pv1[44] = m.admitAt ?? "";
  pv1[45] = m.dischargeAt ?? "";
  const segments = [
    `MSH|^~\\&|PAS|RXX01|CES|RXX01|${m.at}||ADT^${m.event}^${structure}|${m.controlId}|P|2.4|||AL|NE`,
    `EVN|${m.event}|${m.at}|||U123^CLERK^PAT|${m.at}`,
    `PID|1||RXX${m.nhsNumber.slice(0, 6)}^^^RXX01^MR~${m.nhsNumber}^^^NHS^NH||${m.family ?? "TESTCASE"}^${m.given ?? "ALEX"}^^^MR||${m.dob ?? "19700101"}|${m.sex ?? "U"}|||1 HIGH STREET^^LEEDS^^LS1 1AA`,
  ];
  if (m.event === "A40") segments.push(`MRG|RXX999999^^^RXX01^MR~${m.mergedNhsNumber}^^^NHS^NH`);
  else segments.push(pv1.join("|").replace(/\|+$/, ""));
  return [...segments, ...(m.extraSegments ?? [])].join("\r");
}

/** An HL7 time (London wall clock, no offset, as most PAS send) of a UTC instant in winter (GMT). */
export function hl7Time(instant: string): string {
  return instant.replace(/[-:T]/g, "").slice(0, 14);
}
