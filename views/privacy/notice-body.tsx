/**
 * @module views/privacy/notice-body — a privacy notice's text as HTML: paragraphs separated by blank lines, a line
 * starting with `# ` is a heading (server/privacy/notices Notice.body). Every line is escaped.
 */

type Block = { heading: string } | { lines: string[] };

/** The blocks of `body`: each heading line on its own, the other lines grouped into paragraphs by blank lines. */
export function noticeBlocks(body: string): Block[] {
  const blocks: Block[] = [];
  let lines: string[] = [];
  const flush = () => {
    if (lines.length) blocks.push({ lines });
    lines = [];
  };
  for (const raw of body.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    if (!line) flush();
    else if (line.startsWith('# ')) {
      flush();
      blocks.push({ heading: line.slice(2).trim() });
    } else lines.push(line);
  }
  flush();
  return blocks;
}

/** The text of a notice (with `{agencyName}` already filled in), headings as <h2>. */
export function NoticeBody({ body }: { body: string }) {
  return (
    <div class="notice-body">
      {noticeBlocks(body).map((block) =>
        'heading' in block ? (
          <h2 safe>{block.heading}</h2>
        ) : (
          <p>
            {block.lines.map((line, i) => (
              <>
                {i > 0 ? <br /> : ''}
                {Bun.escapeHTML(line)}
              </>
            ))}
          </p>
        ),
      )}
    </div>
  );
}
