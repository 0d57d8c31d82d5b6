package dev.tern.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A message's MIME structure as IMAP's ENVELOPE, BODYSTRUCTURE, BODY[section] and BINARY need it (RFC 9051
 * §7.5.2), parsed by a MIME library. Offsets count octets of the CRLF content ({@link Folder#content}).
 */
public record MessageStructure(Envelope envelope, Part body) {
    public MessageStructure {
        if (envelope == null || body == null) throw new IllegalArgumentException("incomplete structure");
    }

    /**
     * The ENVELOPE fields: header values as they stand (unfolded, not decoded; null when absent), addresses
     * parsed.
     */
    public record Envelope(String date, String subject, List<Address> from, List<Address> sender,
                           List<Address> replyTo, List<Address> to, List<Address> cc, List<Address> bcc,
                           String inReplyTo, String messageId) {
        public Envelope {
            from = List.copyOf(from);
            sender = List.copyOf(sender);
            replyTo = List.copyOf(replyTo);
            to = List.copyOf(to);
            cc = List.copyOf(cc);
            bcc = List.copyOf(bcc);
        }
    }

    /**
     * One address of an ENVELOPE list (RFC 9051 §7.5.2): name (null if none, not decoded), source route (null),
     * mailbox and host. A group is an entry with {@code host == null} and {@code mailbox} the group name, and
     * ends with an entry whose mailbox and host are both null.
     */
    public record Address(String name, String adl, String mailbox, String host) {}

    /**
     * One MIME entity.
     *
     * @param type        lower-case media type ({@code text}, {@code multipart}, ...); {@code text/plain} when absent
     * @param subtype     lower-case subtype
     * @param parameters  Content-Type parameters, names lower-case, in header order
     * @param id          Content-ID, or null
     * @param description Content-Description, or null
     * @param encoding    Content-Transfer-Encoding, upper-case, {@code 7BIT} when absent
     * @param md5         Content-MD5, or null
     * @param disposition Content-Disposition type, lower-case, or null; {@code dispositionParameters} its parameters
     * @param language    Content-Language tags, empty when absent
     * @param location    Content-Location, or null
     * @param headerStart offset of the part's first header line (an empty header is the blank line alone:
     *                    {@code headerStart == bodyStart - 2})
     * @param bodyStart   offset of its body, after the empty line
     * @param end         offset just past its body
     * @param lines       lines in its body (for text parts and message/rfc822)
     * @param parts       the children of a multipart, in order; empty otherwise
     * @param message     for message/rfc822 (and message/global): the structure of the enclosed message
     */
    public record Part(String type, String subtype, Map<String, String> parameters, String id, String description,
                       String encoding, String md5, String disposition, Map<String, String> dispositionParameters,
                       List<String> language, String location, long headerStart, long bodyStart, long end,
                       long lines, List<Part> parts, Optional<MessageStructure> message) {
        public Part {
            if (type == null || subtype == null || encoding == null || headerStart < 0 || bodyStart < headerStart
                    || end < bodyStart) {
                throw new IllegalArgumentException("incomplete part");
            }
            parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
            dispositionParameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(dispositionParameters));
            language = List.copyOf(language);
            parts = List.copyOf(parts);
        }

        public boolean isMultipart() {
            return type.equals("multipart");
        }

        /** Octets of the body: BODYSTRUCTURE's size. */
        public long size() {
            return end - bodyStart;
        }
    }
}
