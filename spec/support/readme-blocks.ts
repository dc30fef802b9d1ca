// The TypeScript code blocks of a Markdown file, as a reader would paste them: dedented (blocks
// inside list items are indented), named by a first line `// file: name.ts` when they import
// each other, and marked to be run by a `<!-- readme-check: run -->` line just before them.

export interface CodeBlock {
  /** The file the block is pasted into. */
  readonly file: string;
  /** The line of the Markdown file the code starts on (1-based). */
  readonly line: number;
  readonly code: string;
  readonly run: boolean;
}

const FENCE = /^(\s*)```ts\s*$/;

export function typescriptBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]!.trim() !== '```') end++;
    if (end === lines.length) throw new Error(`The ts block opened on line ${i + 1} is never closed`);
    const code = lines
      .slice(start, end)
      .map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)))
      .join('\n');
    const named = /^\/\/ file: (\S+\.ts)/.exec(code);
    const run = i > 0 && lines[i - 1]!.trim() === '<!-- readme-check: run -->';
    blocks.push({ file: named ? named[1]! : `block-${blocks.length + 1}.ts`, line: start + 1, code, run });
    i = end;
  }
  return blocks;
}
