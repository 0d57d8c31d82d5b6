package dev.tern.smtp.client;

/**
 * What the client must know about a message before it sends MAIL: its size, whether it needs 8BITMIME and
 * whether it can go out at all. {@link DotEncoder#facts()} measures them on the same normalised text it sends.
 *
 * @param octets      the content with every line ending CRLF and a CRLF at the end, without dot-stuffing:
 *                    the SIZE= value (RFC 1870 §3) and exactly the octets of {@code BDAT n LAST}
 * @param eightBit    an octet above 127 occurs (RFC 6152: needs 8BITMIME)
 * @param longestLine octets of the longest line without its CRLF (RFC 5321 §4.5.3.1.6)
 */
public record ContentFacts(long octets, boolean eightBit, long longestLine) {
    public ContentFacts {
        if (octets < 0 || longestLine < 0 || longestLine > octets) throw new IllegalArgumentException("impossible content facts");
    }
}
