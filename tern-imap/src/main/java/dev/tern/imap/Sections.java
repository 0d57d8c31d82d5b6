package dev.tern.imap;

import dev.tern.store.MessageStructure;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Part numbers and header fields of BODY[section] (RFC 9051 §6.4.5). */
final class Sections {
    private Sections() {}

    /**
     * The part that {@code path} (1-based, non-empty) names. §6.4.5: a message that is not multipart has only
     * part 1, its body; the parts of a message/rfc822 part are those of the message it encloses.
     */
    static Optional<MessageStructure.Part> find(MessageStructure structure, List<Integer> path) {
        MessageStructure.Part current = null;
        MessageStructure.Part messageBody = structure.body();
        for (int n : path) {
            if (current != null) {
                if (current.isMultipart()) {
                    messageBody = null;
                } else if (current.message().isPresent()) {
                    messageBody = current.message().get().body();
                } else {
                    return Optional.empty();
                }
            }
            MessageStructure.Part container = messageBody != null ? messageBody : current;
            if (container.isMultipart()) {
                if (n < 1 || n > container.parts().size()) return Optional.empty();
                current = container.parts().get(n - 1);
            } else {
                if (n != 1) return Optional.empty();
                current = container;
            }
            messageBody = null;
        }
        return Optional.ofNullable(current);
    }

    /**
     * HEADER.FIELDS ({@code keep}) or HEADER.FIELDS.NOT of the header of {@code message}: whole field lines,
     * folding kept, in message order, names compared case-insensitively, ending with the blank line.
     */
    static byte[] headerFields(byte[] content, MessageStructure.Part message, List<String> names, boolean keep) {
        Set<String> wanted = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HeaderLines.forEach(content, (int) message.headerStart(), (int) message.bodyStart(), (name, start, end) -> {
            if (name != null && wanted.contains(name.toLowerCase(Locale.ROOT)) == keep) out.write(content, start, end - start);
        });
        out.write('\r');
        out.write('\n');
        return out.toByteArray();
    }
}
