// Decodes Avro single-object encoded Fovea records from kcat output, using only the .avsc files.
//   kcat -b HOST:PORT -t fovea.images -C -e -f '%S %s' | node decode.mjs ../src/main/avro/ImageEvent.avsc
// Each record arrives as "<length> <value bytes>" (kcat's %S then %s), so binary values can be framed.
// It checks the C3 01 magic, computes the CRC-64-AVRO fingerprint of the schema's parsing canonical
// form itself (the algorithm from the Avro specification), compares it to the header, then decodes.
import avro from 'avsc';
import { readFileSync } from 'node:fs';

const schema = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const type = avro.Type.forSchema(schema);
const canonical = type.schema(); // avsc's default export is the parsing canonical form
const EMPTY = 0xc15d213aa4d7a795n;
const table = Array.from({ length: 256 }, (_, i) => {
  let fp = BigInt(i);
  for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (EMPTY & -(fp & 1n));
  return fp;
});
function crc64avro(text) {
  let fp = EMPTY;
  for (const b of Buffer.from(text, 'utf8')) fp = (fp >> 8n) ^ table[Number((fp ^ BigInt(b)) & 0xffn)];
  return BigInt.asUintN(64, fp);
}
const expected = crc64avro(JSON.stringify(canonical));

const input = readFileSync(0);
let pos = 0, count = 0;
while (pos < input.length) {
  const space = input.indexOf(0x20, pos);
  const len = parseInt(input.subarray(pos, space).toString(), 10);
  const value = input.subarray(space + 1, space + 1 + len);
  pos = space + 1 + len;
  if (value[0] !== 0xc3 || value[1] !== 0x01) throw new Error(`record ${count}: no C3 01 magic`);
  const got = value.readBigUInt64LE(2);
  if (got !== expected) throw new Error(`record ${count}: fingerprint ${got.toString(16)} != ${expected.toString(16)}`);
  const record = type.fromBuffer(value.subarray(10));
  const summary = { ...record };
  for (const [k, v] of Object.entries(summary)) if (Buffer.isBuffer(v)) summary[k] = `<${v.length} bytes>`;
  console.log(JSON.stringify(summary));
  count++;
}
console.error(`decoded ${count} ${schema.name} records; fingerprint ${expected.toString(16)} matches`);
