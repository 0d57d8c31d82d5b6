package dev.tern.store;

import java.io.IOException;
import java.io.InputStream;

/**
 * Parses a message's MIME structure with Apache mime4j, leniently: a malformed message still gets a structure
 * (RFC 9051 §7.5.2's defaults), never an exception for bad content.
 *
 * <p>mime4j's {@code MimeTokenStream} decides what the parts are (headers, boundaries, defaults such as
 * RFC 2046 §5.1.5's message/rfc822 in a digest); {@link MimeWalk} turns its tokens into CRLF octet offsets.
 * Nesting deeper than {@value MimeWalk#MAX_DEPTH} levels is not descended into: such a multipart has no
 * {@code parts}, such a message/rfc822 no enclosed {@code message}.
 */
public final class StructureParser {
    private StructureParser() {}

    /** The structure of {@code crlfContent} (CRLF line endings, as {@link Folder#content} gives it). */
    public static MessageStructure parse(InputStream crlfContent) throws IOException {
        return parse(crlfContent.readAllBytes());
    }

    /** The structure of {@code crlfContent}; the offsets are indexes into it. */
    public static MessageStructure parse(byte[] crlfContent) {
        return new MimeWalk(crlfContent).message(0, crlfContent.length, 0);
    }
}
