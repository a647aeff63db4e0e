/**
 * Splits a command written as one string into argv as Compose does (POSIX shell words:
 * blanks separate, '...' and "..." quote, \ escapes), without running a shell: no variables,
 * globs or operators. Throws on an unclosed quote, and on an unquoted ; & | < > ` or $(,
 * which Compose would silently cut the command at: such a command needs a shell.
 */
export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "\\" && /["\\$`\n]/.test(text.charAt(i + 1))) word += text.charAt(++i);
      else word += c;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (c === "\\") {
      word = (word ?? "") + text.charAt(++i);
    } else if (/[;&|<>`]/.test(c) || (c === "$" && text.charAt(i + 1) === "(")) {
      throw new Error(
        `"${c === "$" ? "$(" : c}" needs a shell, which a command string does not get: write ["sh", "-c", "..."]`,
      );
    } else {
      word = (word ?? "") + c;
    }
  }
  if (quote) throw new Error(`unclosed ${quote} quote`);
  if (word !== undefined) words.push(word);
  return words;
}
