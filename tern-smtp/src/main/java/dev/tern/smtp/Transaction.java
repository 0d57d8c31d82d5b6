package dev.tern.smtp;

import dev.tern.mail.MailOptions;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import java.util.ArrayList;
import java.util.List;

/**
 * One mail transaction (RFC 5321 §3.3): MAIL, its RCPTs, and the message content once DATA or the first BDAT
 * chunk (RFC 3030) opened it. The session is its only owner: when the transaction ends without the message
 * being stored, {@link #abandon()} discards the content, so chunks of an abandoned transaction can never become
 * part of the next one.
 */
final class Transaction {
    final ReversePath from;
    final MailOptions options;
    final List<Recipient> recipients = new ArrayList<>();
    boolean refusedRecipient;
    /** Null until DATA or the first BDAT chunk. */
    ContentStage.Content content;
    /** DATA: the decoder of the content. */
    DotDecoder decoder;
    /** BDAT: the text rules over all chunks, and the octets received so far. */
    LineCheck chunks;
    long chunkOctets;

    Transaction(ReversePath from, MailOptions options) {
        this.from = from;
        this.options = options;
    }

    boolean chunked() {
        return chunks != null;
    }

    void abandon() {
        if (content != null) content.discard();
        content = null;
    }
}
