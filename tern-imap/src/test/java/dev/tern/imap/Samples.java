package dev.tern.imap;

import dev.tern.store.MessageStructure;
import dev.tern.store.StructureParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The sample messages of tern-store's test resources (CRLF .eml files), parsed. */
final class Samples {
    static final Path DIRECTORY = Path.of("../tern-store/src/test/resources/mime");

    private Samples() {}

    static byte[] content(String name) {
        try {
            return Files.readAllBytes(DIRECTORY.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MessageStructure structure(String name) {
        return StructureParser.parse(content(name));
    }

    /** A value as the encoder writes it in UTF-8 mode, without the {@code "* "} and the CRLF. */
    static String text(Value value) {
        String line = ResponseEncoder.encodeToString(new Response.Data(List.of(value)), TextMode.UTF8);
        return line.substring(2, line.length() - 2);
    }
}
