/** Name handling: one canonical stored form, one search form that ignores case and Vietnamese accents. */

/** NFC, trimmed, inner whitespace collapsed: 'Tâm' typed on a Mac (NFD) and on Windows (NFC) is one person. */
export function normalizeName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/gu, ' ');
}

/**
 * Lower-case, accent-free key: NFD splits tone and vowel marks (ễ → e + ̂ + ̃, ơ → o + ̛) so they
 * can be dropped; đ is a separate letter, not a marked d, so it is mapped by hand.
 */
export function searchKey(text: string): string {
  return normalizeName(text)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/gu, 'd')
    .toLowerCase()
    .normalize('NFC');
}

/** Escapes LIKE wildcards so a search for "50%" matches literally (used with ESCAPE '\'). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/gu, (c) => `\\${c}`);
}
