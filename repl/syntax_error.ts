/**
 * `InputSyntaxError`: what the REPL shows for input that can never be valid
 * (kept apart from `transform.ts` so that showing one does not load the
 * parsers).
 *
 * @module
 */

/** A syntax error in typed input, with where it is. */
export class InputSyntaxError extends SyntaxError {
  /** 1-based line in the input. */
  line: number;
  /** 0-based column in the input. */
  column: number;
  /** The input's line the error is on. */
  sourceLine: string;

  /**
   * @param message What is wrong.
   * @param source The input.
   * @param line 1-based line.
   * @param column 0-based column.
   */
  constructor(message: string, source: string, line: number, column: number) {
    super(message);
    this.name = "SyntaxError";
    const lines = source.split("\n");
    this.line = Math.min(Math.max(line, 1), lines.length);
    this.sourceLine = lines[this.line - 1] ?? "";
    this.column = Math.min(Math.max(column, 0), this.sourceLine.length);
  }
}
