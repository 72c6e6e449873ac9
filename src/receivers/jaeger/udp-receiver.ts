import dgram from 'node:dgram';
import type { Logger } from 'pino';
import type { Host, Receiver, TracesConsumer } from '../../component/component.ts';
import { OverloadError, errorMessage } from '../../component/errors.ts';
import { InvalidIdError } from '../../model/ids.ts';
import type { Span } from '../../model/span.ts';
import { readEmitBatchMessage, type ThriftEncoding } from '../../protocols/jaeger/thrift-reader.ts';
import { thriftBatchToSpans } from '../../protocols/jaeger/thrift-to-model.ts';
import type { ReceiverSettings } from '../shared/factory.ts';
import { Ingest } from '../shared/ingest.ts';

/** Jaeger's agent refuses larger datagrams; clients keep theirs under it. */
export const MAX_DATAGRAM_BYTES = 65000;
/** Room in the kernel for bursts while the event loop is busy elsewhere. */
const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * Jaeger's agent UDP endpoint: each datagram is one Thrift `emitBatch`
 * message (compact protocol on 6831, binary on 6832). UDP has no answer, so
 * bad datagrams are counted and logged at debug, and a batch the pipeline
 * refuses is counted as dropped; the socket is never held up by ingestion.
 */
export class JaegerUdpReceiver implements Receiver {
  private readonly settings: ReceiverSettings;
  private readonly port: number;
  private readonly next: TracesConsumer;
  private readonly encoding: ThriftEncoding;
  private socket: dgram.Socket | undefined;
  private closing: Promise<void> | undefined;

  constructor(settings: ReceiverSettings, port: number, encoding: ThriftEncoding, next: TracesConsumer) {
    this.settings = settings;
    this.port = port;
    this.encoding = encoding;
    this.next = next;
  }

  get boundPort(): number | undefined {
    return this.socket?.address().port;
  }

  async start(host: Host): Promise<void> {
    const ingest = new Ingest(this.next, host.telemetry.metrics.forReceiver(`jaeger_${this.encoding}`), this.settings);
    const log = host.telemetry.logger.child({ receiver: `jaeger_${this.encoding}` });
    const socket = dgram.createSocket({ type: this.settings.host.includes(':') ? 'udp6' : 'udp4' });
    socket.on('message', (msg) => this.onDatagram(msg, ingest, log));
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => {
        try {
          socket.close();
        } catch {
          // already closed by the failed bind
        }
        reject(new Error(`jaeger ${this.encoding} udp receiver: cannot listen on ${this.settings.host}:${this.port}: ${err.message}`));
      };
      socket.once('error', onError);
      socket.bind(this.port, this.settings.host, () => {
        socket.off('error', onError);
        resolve();
      });
    });
    socket.on('error', (err) => log.error({ err }, 'udp socket error'));
    try {
      socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
    } catch {
      // The kernel's cap (net.core.rmem_max) is lower: its default will do.
    }
    this.socket = socket;
  }

  shutdown(): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.resolve();
    this.closing ??= new Promise<void>((resolve) => socket.close(() => resolve()));
    return this.closing;
  }

  private onDatagram(msg: Buffer, ingest: Ingest, log: Logger): void {
    if (msg.length > MAX_DATAGRAM_BYTES) {
      ingest.count.refusedRequest('too_large');
      log.debug({ bytes: msg.length }, 'datagram larger than %d bytes dropped', MAX_DATAGRAM_BYTES);
      return;
    }
    // Overloaded: the datagram is dropped undecoded (UDP has no push-back) and counted.
    const ticket = this.settings.admission?.admit(msg.length);
    if (ticket instanceof OverloadError) {
      ingest.count.droppedRequest(ticket.reason);
      return;
    }
    let spans: Span[];
    try {
      spans = thriftBatchToSpans(readEmitBatchMessage(msg, this.encoding));
    } catch (err) {
      ticket?.release();
      ingest.count.refusedRequest(err instanceof InvalidIdError ? 'invalid_id' : 'malformed');
      log.debug({ bytes: msg.length }, 'undecodable datagram dropped: %s', errorMessage(err));
      return;
    }
    // Nobody to tell: spans the pipeline refuses are lost, and Ingest counts them as dropped.
    ingest
      .ingest(spans, { acknowledged: false })
      .catch((err: unknown) => {
        log.debug({ spans: spans.length }, 'batch dropped: %s', errorMessage(err));
      })
      .finally(() => ticket?.release());
  }
}
