package dev.tern.mail;

import java.util.List;

/**
 * What the SMTP transaction said about a message (RFC 5321 §2.3.1): the reverse-path, the recipients in the
 * order they were accepted, and the MAIL FROM parameters. The message content travels beside it.
 */
public record Envelope(ReversePath reversePath, List<Recipient> recipients, MailOptions options) {
    public Envelope {
        if (reversePath == null || options == null) throw new IllegalArgumentException("null envelope part");
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) throw new IllegalArgumentException("no recipients");
    }
}
