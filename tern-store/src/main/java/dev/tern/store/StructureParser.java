package dev.tern.store;

import java.io.IOException;
import java.io.InputStream;

/**
 * Parses a message's MIME structure with Apache mime4j, leniently: a malformed message still gets a structure
 * (RFC 9051 §7.5.2's defaults), never an exception for bad content.
 */
public final class StructureParser {
    private StructureParser() {}

    /** The structure of {@code crlfContent} (CRLF line endings, as {@link Folder#content} gives it). */
    public static MessageStructure parse(InputStream crlfContent) throws IOException {
        throw new UnsupportedOperationException("not built yet");
    }
}
