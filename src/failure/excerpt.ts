/** The longest `messageExcerpt` we store: enough for one Spark error line, small in JSONL. */
export const MAX_EXCERPT_CHARS = 500;

const ELLIPSIS = "…";

/** How much of a long line to keep before the match, so the excerpt shows what led up to it. */
const LEAD_CHARS = 120;

/**
 * The part of `line` around the match at `matchIndex`, at most `maxChars` long. Spark's
 * one-line errors (a Py4J message, "Job aborted due to stage failure: …") can run to kilobytes;
 * the decisive words are near the match.
 */
export function excerptAround(
  line: string,
  matchIndex: number,
  maxChars: number = MAX_EXCERPT_CHARS,
): string {
  const text = line.trim();
  if (text.length <= maxChars) return text;
  const offset = matchIndex - (line.length - line.trimStart().length);
  const lead = Math.max(0, offset - LEAD_CHARS);
  if (lead === 0) return text.slice(0, maxChars - ELLIPSIS.length) + ELLIPSIS;
  const room = maxChars - ELLIPSIS.length;
  // Near the end: keep the end whole rather than cut both sides.
  if (text.length - lead <= room) return ELLIPSIS + text.slice(text.length - room);
  return ELLIPSIS + text.slice(lead, lead + room - ELLIPSIS.length) + ELLIPSIS;
}

/** `text` cut to `maxChars`, marking the cut. */
export function clip(text: string, maxChars: number = MAX_EXCERPT_CHARS): string {
  const trimmed = text.trim();
  if (trimmed.length <= maxChars) return trimmed;
  return trimmed.slice(0, maxChars - ELLIPSIS.length) + ELLIPSIS;
}
