// Reads bun's JUnit report. `junit-summary.cjs FILE` prints "N passed, N failed[, N skipped]" (CI's closing line);
// `junit-summary.cjs --failures FILE` prints each failed test's name and message (first 60 lines each), so that the
// reason for a red run is in the tail of CI's output, not only thousands of lines above it.
const fs = require('node:fs');
const failuresMode = process.argv[2] === '--failures';
const xml = fs.readFileSync(process.argv[failuresMode ? 3 : 2], 'utf8');
const root = xml.match(/<testsuites\b[^>]*>/);
if (!root) {
  console.error('no <testsuites> in the JUnit report');
  process.exit(1);
}
const unescape = (s) =>
  s
    .replace(/&#10;/g, '\n')
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
if (failuresMode) {
  const cases = xml.matchAll(/<testcase\b([^>]*?)>\s*<(failure|error)\b[^>]*>([\s\S]*?)<\/\2>/g);
  for (const [, attrs, , body] of cases) {
    const name = unescape((attrs.match(/\bname="([^"]*)"/) || [0, '?'])[1]);
    const file = unescape((attrs.match(/\bfile="([^"]*)"/) || [0, '?'])[1]);
    const lines = unescape(body).split('\n');
    console.log(`-- ${file} > ${name}`);
    console.log(lines.slice(0, 60).join('\n') + (lines.length > 60 ? `\n… ${lines.length - 60} more lines` : ''));
  }
  process.exit(0);
}
const attr = (name) => Number((root[0].match(new RegExp(`\\b${name}="(\\d+)"`)) || [0, 0])[1]);
const tests = attr('tests');
const failed = attr('failures') + attr('errors');
const skipped = attr('skipped');
if (tests === 0) {
  console.error('the JUnit report lists no tests');
  process.exit(1);
}
console.log(`${tests - failed - skipped} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
