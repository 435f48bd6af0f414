// The gRPC channel to a Spark Connect server, typed by the generated service descriptor: every
// call serializes with protobuf-es and carries the connection string's headers (the bearer token
// among them). Nothing here retries or interprets errors; callers get grpc-js ServiceErrors.
import {
  Client,
  Metadata,
  connectivityState,
  credentials,
  status as GrpcStatus,
  type ClientReadableStream,
  type Interceptor,
  type ServiceError,
} from '@grpc/grpc-js';
import { create, fromBinary, toBinary, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import { SparkConnectService } from './gen/spark/connect/base_pb.js';
import { grpcTarget, type RemoteSpec } from './connection-string.js';

type Methods = typeof SparkConnectService.method;
type MethodsOfKind<Kind> = { [K in keyof Methods]: Methods[K]['methodKind'] extends Kind ? K : never }[keyof Methods];
export type UnaryMethod = MethodsOfKind<'unary'>;
export type StreamMethod = MethodsOfKind<'server_streaming'>;
export type RequestInit<K extends keyof Methods> = MessageInitShape<Methods[K]['input']>;
export type Response<K extends keyof Methods> = MessageShape<Methods[K]['output']>;

export interface CallOptions {
  signal?: AbortSignal;
  /** Absolute deadline of the call. */
  deadline?: Date;
}

/** A server-streaming call: its responses, in order, and a way to stop it early. */
export interface ServerStream<T> {
  responses: AsyncIterable<T>;
  cancel(): void;
}

// Arrow batches are capped at 4 MiB by default on the server, but a user may raise
// spark.connect.grpc.arrow.maxBatchSize; the server itself accepts up to 128 MiB.
const MAX_MESSAGE_BYTES = 128 * 1024 * 1024;

export class SparkRpc {
  private readonly client: Client;

  constructor(
    private readonly spec: RemoteSpec,
    options: { interceptors?: Interceptor[] } = {},
  ) {
    this.client = new Client(grpcTarget(spec), spec.useSsl ? credentials.createSsl() : credentials.createInsecure(), {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      interceptors: options.interceptors ?? [],
    });
  }

  /**
   * Resolves once the channel is connected. Rejects at the first failed connection attempt (a
   * refused port fails in milliseconds), or when `deadline` passes first (a host that never answers).
   */
  waitUntilConnected(deadline: Date): Promise<void> {
    const channel = this.client.getChannel();
    return new Promise((resolve, reject) => {
      const check = () => {
        const state = channel.getConnectivityState(true);
        if (state === connectivityState.READY) return resolve();
        if (state === connectivityState.TRANSIENT_FAILURE || state === connectivityState.SHUTDOWN) {
          return reject(new Error('connection failed'));
        }
        channel.watchConnectivityState(state, deadline, (error) => (error ? reject(new Error('deadline passed before connecting')) : check()));
      };
      check();
    });
  }

  unary<K extends UnaryMethod>(name: K, request: RequestInit<K>, options: CallOptions = {}): Promise<Response<K>> {
    const method = SparkConnectService.method[name];
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) return reject(cancelledError());
      const call = this.client.makeUnaryRequest(
        this.path(method.name),
        (message: MessageShape<Methods[K]['input']>) => Buffer.from(toBinary(method.input, message)),
        (bytes: Buffer) => fromBinary(method.output, bytes) as Response<K>,
        create(method.input, request) as MessageShape<Methods[K]['input']>,
        this.metadata(),
        { deadline: options.deadline },
        (error, response) => {
          options.signal?.removeEventListener('abort', onAbort);
          if (error) reject(error);
          else resolve(response as Response<K>);
        },
      );
      const onAbort = () => call.cancel();
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  serverStream<K extends StreamMethod>(name: K, request: RequestInit<K>, options: CallOptions = {}): ServerStream<Response<K>> {
    const method = SparkConnectService.method[name];
    const call: ClientReadableStream<Response<K>> = this.client.makeServerStreamRequest(
      this.path(method.name),
      (message: MessageShape<Methods[K]['input']>) => Buffer.from(toBinary(method.input, message)),
      (bytes: Buffer) => fromBinary(method.output, bytes) as Response<K>,
      create(method.input, request) as MessageShape<Methods[K]['input']>,
      this.metadata(),
      { deadline: options.deadline },
    );
    return { responses: call, cancel: () => call.cancel() };
  }

  close(): void {
    this.client.close();
  }

  private path(methodName: string): string {
    return `/${SparkConnectService.typeName}/${methodName}`;
  }

  private metadata(): Metadata {
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(this.spec.headers)) metadata.set(key, value);
    // Spark checks `Authorization: Bearer <token>` when spark.connect.authenticate.token is set.
    // Sent as call metadata rather than call credentials, which grpc-js refuses on plaintext channels.
    if (this.spec.token !== undefined) metadata.set('authorization', `Bearer ${this.spec.token}`);
    return metadata;
  }
}

function cancelledError(): ServiceError {
  return Object.assign(new Error('Cancelled before the call started'), {
    code: GrpcStatus.CANCELLED,
    details: 'Cancelled before the call started',
    metadata: new Metadata(),
  });
}
