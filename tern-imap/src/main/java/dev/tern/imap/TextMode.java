package dev.tern.imap;

/**
 * How a session writes and reads non-ASCII text. {@link #ASCII} is IMAP4rev1 (RFC 3501): mailbox names travel
 * in modified UTF-7 (§5.1.3) and 8-bit strings only as literals. {@link #UTF8} is IMAP4rev2 (RFC 9051 §5.1) or
 * a rev1 client that sent {@code ENABLE UTF8=ACCEPT} (RFC 6855 §3): names and quoted strings are UTF-8.
 */
public enum TextMode {
    ASCII,
    UTF8
}
