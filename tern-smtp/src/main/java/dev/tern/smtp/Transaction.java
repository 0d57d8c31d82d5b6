package dev.tern.smtp;

import dev.tern.mail.MailOptions;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import java.util.ArrayList;
import java.util.List;

/** One mail transaction (RFC 5321 §3.3): MAIL, its RCPTs, and the chunks received so far. */
final class Transaction {
    final ReversePath from;
    final MailOptions options;
    final List<Recipient> recipients = new ArrayList<>();
    boolean refusedRecipient;
    boolean chunked;
    long chunkOctets;

    Transaction(ReversePath from, MailOptions options) {
        this.from = from;
        this.options = options;
    }
}
