// Reads bun's JUnit report and prints "N passed, N failed[, N skipped]" (CI's closing line).
const fs = require('node:fs');
const xml = fs.readFileSync(process.argv[2], 'utf8');
const root = xml.match(/<testsuites\b[^>]*>/);
if (!root) {
  console.error('no <testsuites> in the JUnit report');
  process.exit(1);
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
