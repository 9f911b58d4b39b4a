// Puts the caret of the SQL textarea where the API says the SQL went wrong
// (InvalidRuleSql's `line` and `column`, both from 1, columns counted in
// characters) and selects the word there, so the user sees the spot.
export function selectLineColumn(area: HTMLTextAreaElement, line: number, column: number): void {
  const lines = area.value.split("\n");
  const l = Math.min(Math.max(line, 1), lines.length) - 1;
  let offset = 0;
  for (let i = 0; i < l; i++) offset += lines[i].length + 1;
  // Columns count code points; the textarea counts UTF-16 units.
  const before = Array.from(lines[l]).slice(0, Math.max(column - 1, 0)).join("");
  const start = offset + before.length;
  const word = /^[^\s]*/.exec(lines[l].slice(before.length))?.[0] ?? "";
  area.focus();
  area.setSelectionRange(start, start + Math.max(word.length, 0));
  // Scroll the line into view: focus alone does not when the textarea
  // itself scrolls.
  const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 18;
  area.scrollTop = Math.max(0, l * lineHeight - area.clientHeight / 2);
}
