// JavaScript values as Spark literals. The mapping follows the value, not a declared type:
// integers that fit in 32 bits are INT, other safe integers and bigints are BIGINT, other numbers
// DOUBLE, Date is TIMESTAMP, Uint8Array BINARY, arrays ARRAY. For anything else (a DECIMAL, a DATE)
// write the literal as a string and cast it: `lit('12.50').cast('decimal(10,2)')`.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { Expression_LiteralSchema, type Expression_Literal } from '../gen/spark/connect/expressions_pb.js';
import { DataTypeSchema, type DataType } from '../gen/spark/connect/types_pb.js';

export type LiteralValue = null | boolean | number | bigint | string | Date | Uint8Array | readonly LiteralValue[];

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

export function toLiteral(value: LiteralValue): Expression_Literal {
  return create(Expression_LiteralSchema, { literalType: literalTypeOf(value) });
}

function literalTypeOf(value: LiteralValue): MessageInitShape<typeof Expression_LiteralSchema>['literalType'] {
  if (value === null) return { case: 'null', value: create(DataTypeSchema, { kind: { case: 'null', value: {} } }) };
  if (typeof value === 'boolean') return { case: 'boolean', value };
  if (typeof value === 'string') return { case: 'string', value };
  if (typeof value === 'bigint') return { case: 'long', value };
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= INT_MIN && value <= INT_MAX) return { case: 'integer', value };
    if (Number.isSafeInteger(value)) return { case: 'long', value: BigInt(value) };
    return { case: 'double', value };
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('cannot use an invalid Date as a Spark literal');
    return { case: 'timestamp', value: BigInt(value.getTime()) * 1000n };
  }
  if (value instanceof Uint8Array) return { case: 'binary', value };
  const elements = value.map(toLiteral);
  return { case: 'array', value: { elements, elementType: elementTypeOf(elements) } };
}

/** The element type of an array literal, from its first non-null element. */
function elementTypeOf(elements: Expression_Literal[]): DataType {
  const first = elements.find((element) => element.literalType.case !== 'null');
  const kind = ((): MessageInitShape<typeof DataTypeSchema>['kind'] => {
    switch (first?.literalType.case) {
      case 'boolean':
        return { case: 'boolean', value: {} };
      case 'string':
        return { case: 'string', value: {} };
      case 'integer':
        return { case: 'integer', value: {} };
      case 'long':
        return { case: 'long', value: {} };
      case 'double':
        return { case: 'double', value: {} };
      case 'timestamp':
        return { case: 'timestamp', value: {} };
      case 'binary':
        return { case: 'binary', value: {} };
      case 'array':
        return { case: 'array', value: { elementType: first.literalType.value.elementType, containsNull: true } };
      default:
        return { case: 'null', value: {} };
    }
  })();
  return create(DataTypeSchema, { kind });
}
