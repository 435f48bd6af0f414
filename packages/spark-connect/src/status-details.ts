// Decodes `grpc-status-details-bin`, the trailer in which a gRPC server explains a failure with a
// serialized google.rpc.Status. Spark Connect puts a google.rpc.ErrorInfo there (error class,
// SQLSTATE, errorId) and sometimes a google.rpc.RetryInfo. Those three messages are tiny and are
// not part of Spark's .proto files, so they are read here straight off the wire.
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

export interface ErrorInfo {
  reason: string;
  domain: string;
  metadata: Record<string, string>;
}

export interface StatusDetails {
  errorInfo?: ErrorInfo;
  /** Delay the server asks for before a retry, when it sent a RetryInfo. */
  retryDelayMs?: number;
}

const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';
const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';

export function decodeStatusDetails(bytes: Uint8Array): StatusDetails {
  const result: StatusDetails = {};
  // google.rpc.Status: code = 1, message = 2, repeated google.protobuf.Any details = 3
  forEachField(bytes, (field, reader, wireType) => {
    if (field !== 3) return reader.skip(wireType);
    let typeUrl = '';
    let value: Uint8Array = new Uint8Array();
    // google.protobuf.Any: type_url = 1, value = 2
    forEachField(reader.bytes(), (anyField, anyReader, anyWire) => {
      if (anyField === 1) typeUrl = anyReader.string();
      else if (anyField === 2) value = anyReader.bytes();
      else anyReader.skip(anyWire);
    });
    if (typeUrl === ERROR_INFO) result.errorInfo = decodeErrorInfo(value);
    else if (typeUrl === RETRY_INFO) result.retryDelayMs = decodeRetryDelay(value);
  });
  return result;
}

function decodeErrorInfo(bytes: Uint8Array): ErrorInfo {
  const info: ErrorInfo = { reason: '', domain: '', metadata: {} };
  // reason = 1, domain = 2, map<string, string> metadata = 3 (entries: key = 1, value = 2)
  forEachField(bytes, (field, reader, wireType) => {
    if (field === 1) info.reason = reader.string();
    else if (field === 2) info.domain = reader.string();
    else if (field === 3) {
      let key = '';
      let value = '';
      forEachField(reader.bytes(), (entryField, entryReader, entryWire) => {
        if (entryField === 1) key = entryReader.string();
        else if (entryField === 2) value = entryReader.string();
        else entryReader.skip(entryWire);
      });
      info.metadata[key] = value;
    } else reader.skip(wireType);
  });
  return info;
}

function decodeRetryDelay(bytes: Uint8Array): number {
  let ms = 0;
  // RetryInfo: google.protobuf.Duration retry_delay = 1 (seconds = 1, nanos = 2)
  forEachField(bytes, (field, reader, wireType) => {
    if (field !== 1) return reader.skip(wireType);
    forEachField(reader.bytes(), (durationField, durationReader, durationWire) => {
      if (durationField === 1) ms += Number(durationReader.int64()) * 1000;
      else if (durationField === 2) ms += durationReader.int32() / 1e6;
      else durationReader.skip(durationWire);
    });
  });
  return ms;
}

function forEachField(bytes: Uint8Array, visit: (field: number, reader: BinaryReader, wireType: WireType) => unknown): void {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    visit(field, reader, wireType);
  }
}
