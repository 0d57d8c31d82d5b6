package dev.tern.smtp;

import dev.tern.mail.Domain;
import dev.tern.mail.QueueId;
import dev.tern.mail.Recipient;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Writes the {@code Received:} trace field (RFC 5321 §4.4, RFC 5322 §3.6.7), folded at spaces so lines stay
 * within 78 columns where the parts allow (RFC 5322 §2.1.1). Every part is validated text: the HELO domain is a
 * canonical {@link Domain}, the address passed {@link SmtpSession}'s check, the recipient passed
 * {@link CommandParser}, so no CR, LF or control character can reach the header.
 */
final class ReceivedField {
    private ReceivedField() {}

    // RFC 5322 §3.3 date-time, with a numeric zone.
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);
    private static final int FOLD_AT = 78;

    /**
     * {@code protocol} is the RFC 3848 / RFC 6531 §3.7.3 "with" keyword; {@code for} is named only for a single
     * recipient, so one copy does not reveal the others (RFC 5321 §7.2).
     */
    static String format(Domain helo, String addressLiteral, String host, String protocol, QueueId id,
                         List<Recipient> recipients, ZonedDateTime when) {
        Folder f = new Folder();
        f.word("Received: from " + helo.name()).word("(" + addressLiteral + ")");
        f.fold().word("by").word(host).word("(Tern)").word("with").word(protocol).word("id").word(id.value());
        if (recipients.size() == 1) {
            f.fold().word("for <" + recipients.getFirst().mailbox() + ">;");
        } else {
            f.append(";");
        }
        f.word(DATE.format(when));
        return f.end();
    }

    /**
     * Builds a header field word by word, starting a continuation line where a word would pass column 78. A
     * keyword and its value go in as one word, so "from" and "for" stay beside what they name.
     */
    private static final class Folder {
        private final StringBuilder out = new StringBuilder(256);
        private int lineStart;

        Folder word(String word) {
            boolean lineEmpty = out.length() == lineStart || out.charAt(out.length() - 1) == '\t';
            if (!lineEmpty && out.length() - lineStart + 1 + word.length() > FOLD_AT) fold();
            if (out.length() > lineStart && out.charAt(out.length() - 1) != '\t') out.append(' ');
            out.append(word);
            return this;
        }

        Folder append(String text) {
            out.append(text);
            return this;
        }

        Folder fold() {
            out.append("\r\n\t");
            lineStart = out.length() - 1;
            return this;
        }

        String end() {
            return out.append("\r\n").toString();
        }
    }
}
