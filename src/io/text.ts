/** UTF-8 decoding for the file readers, with one decoder made on first use (nothing runs at import). */
let decoder: TextDecoder | undefined;

/** Bytes as UTF-8 text (names and strings; ASCII is a subset); invalid sequences become U+FFFD. */
export function utf8(bytes: Uint8Array): string {
  return (decoder ??= new TextDecoder('utf-8')).decode(bytes);
}
