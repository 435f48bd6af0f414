// A file source of the sample, and the loop that writes it: its files in path order, each record
// of the kind the picker draws, blank lines in between, and the counts of all of it.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileSourceTable, SourceTally } from './expected.js';
import { KindPicker } from './kinds.js';
import type { RecordKind } from './kinds.js';
import type { Random } from './random.js';
import { FileWriter } from './writer.js';

export interface SampleFile {
  /** Name inside the source folder. Files are written in lexicographic order of name, so the
   * order records are made in is the pipeline's order (batch, file path, line). */
  name: string;
  records: number;
  eol: '\n' | '\r\n';
  bom: boolean;
  /** One top-level JSON array with an element a line, instead of a record a line. */
  jsonArray: boolean;
  /** How the file ends: its last line ends with a line break, or does not, or a blank line follows. */
  ending: 'newline' | 'no-newline' | 'blank-line';
}

export interface SampleSource {
  table: FileSourceTable;
  /** Folder of the source under the input folder. */
  folder: string;
  files: readonly SampleFile[];
  /** Valid variations and dirty cases; anything else is plain. */
  kinds: readonly RecordKind[];
  /** Makes a plain, valid record and records its truth. */
  plain(): string;
  /** Called before the first record of each file; returns its header line, if it has one. */
  startFile(file: SampleFile, index: number): string | undefined;
  /** Files in the source folder that no pipeline may read: their names start with `.`. */
  hiddenFiles: readonly { name: string; content: string }[];
}

export interface WrittenFile {
  /** Relative to the input folder, with `/` separators. */
  path: string;
  bytes: number;
  records: number;
}

// Blank lines are rare, and not records: the empty line, and lines of spaces and tabs.
const blankLineRate = 0.002;
const blankLines = ['', '', ' ', '   ', '\t', ' \t '];

export async function writeSource(
  source: SampleSource,
  inputDir: string,
  random: Random,
  dirtyRate: number,
  tally: SourceTally,
  onFile: (file: WrittenFile) => void,
): Promise<void> {
  const picker = new KindPicker(source.kinds, random, dirtyRate);
  const total = source.files.reduce((sum, file) => sum + file.records, 0);
  let made = 0;
  for (const [index, file] of source.files.entries()) {
    if (index === 1) picker.startForcing(total - made);
    const relative = `${source.folder}/${file.name}`;
    const writer = await FileWriter.open(path.join(inputDir, relative));
    const header = source.startFile(file, index);
    if (file.bom) writer.write('\uFEFF');
    if (header !== undefined) writer.write(header + file.eol);
    if (file.jsonArray) writer.write(`[${file.eol}`);
    // Every line-based file holds at least one blank line, somewhere after its first record.
    const blankAt = file.jsonArray ? -1 : random.int(1, file.records - 1);
    let blanks = 0;
    for (let i = 0; i < file.records; i++) {
      if (i > 0 && !file.jsonArray && (i === blankAt || random.chance(blankLineRate))) {
        writer.write(random.pick(blankLines) + file.eol);
        blanks++;
      }
      // The first record of a file is plain: a JSON Lines file must not start with `[`.
      const kind = i === 0 ? undefined : picker.pick();
      const text = kind ? kind.make() : source.plain();
      tally.record(kind?.name ?? 'plain', kind?.reason ?? null);
      if (file.jsonArray) writer.write(i === 0 ? text : `,${file.eol}${text}`);
      else writer.write(i < file.records - 1 || file.ending !== 'no-newline' ? text + file.eol : text);
      if (writer.full) await writer.flush();
    }
    if (file.jsonArray) writer.write(`${file.eol}]${file.ending === 'no-newline' ? '' : file.eol}`);
    if (file.ending === 'blank-line') {
      writer.write(file.eol);
      blanks++;
    }
    const { bytes, sha256 } = await writer.close();
    made += file.records;
    tally.blankLines(blanks);
    tally.file({ path: relative, bytes, sha256, records: file.records, blank_lines: blanks });
    onFile({ path: relative, bytes, records: file.records });
  }
  for (const hidden of source.hiddenFiles) await writeFile(path.join(inputDir, source.folder, hidden.name), hidden.content);
}
