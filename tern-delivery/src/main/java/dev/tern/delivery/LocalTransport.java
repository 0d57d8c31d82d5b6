package dev.tern.delivery;

import dev.tern.directory.Directory;
import dev.tern.directory.Resolution;
import dev.tern.mail.Mailbox;
import dev.tern.mail.QueueId;
import dev.tern.spool.RecipientState;
import dev.tern.spool.Spool;
import dev.tern.spool.SpooledMessage;
import dev.tern.store.MailStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a spooled message to its local recipients: resolves each pending recipient (aliases and lists
 * expand here, at delivery time, so a changed alias takes effect), writes one copy per mailbox, and records
 * each recipient's final state in the spool only after its copies are durable.
 *
 * <p>Exactly once: each copy carries a delivery id made of the queue id, the recipient's index and the
 * mailbox's index, so a message recovered after a crash is checked against the mailbox before it is stored again.
 */
final class LocalTransport {
    private static final Logger log = LoggerFactory.getLogger(LocalTransport.class);

    private final Spool spool;
    private final Directory directory;
    private final MailStore store;

    /** How an attempt went: recipients left pending, and the last temporary error. */
    record Outcome(int deferred, String lastError) {}

    LocalTransport(Spool spool, Directory directory, MailStore store) {
        this.spool = spool;
        this.directory = directory;
        this.store = store;
    }

    Outcome deliver(SpooledMessage message) {
        boolean checkExisting = message.recovered() || message.attempts() > 0;
        int deferred = 0;
        String lastError = "";
        List<RecipientState> recipients = message.recipients();
        for (int i = 0; i < recipients.size(); i++) {
            RecipientState state = recipients.get(i);
            if (state.status() != RecipientState.Status.PENDING) continue;
            Mailbox rcpt = state.recipient().mailbox();
            try {
                switch (directory.resolve(rcpt)) {
                    case Resolution.Local l -> {
                        for (int j = 0; j < l.mailboxes().size(); j++) {
                            Mailbox box = l.mailboxes().get(j);
                            // The store may skip the copy (already there) without reading: close it ourselves.
                            try (InputStream content = content(message, box)) {
                                store.deliver(box, deliveryId(message.id(), i, j), content, checkExisting);
                            }
                        }
                        if (!l.remote().isEmpty()) {
                            // TODO(outbound delivery, the next issue on the road map): forward alias members at other domains. Until then the
                            // recipient stays pending (its local copies are idempotent by delivery id), so the
                            // remote copies wait in the queue instead of being dropped.
                            deferred++;
                            lastError = "4.4.0 remote alias members wait for outbound delivery: " + l.remote();
                            log.info("id={} delivered to=<{}> mailboxes={} remote_pending={}", message.id(), rcpt,
                                    l.mailboxes().size(), l.remote().size());
                            continue;
                        }
                        spool.complete(message.id(), i, RecipientState.Status.DELIVERED, "");
                        log.info("id={} delivered to=<{}> mailboxes={}", message.id(), rcpt, l.mailboxes().size());
                    }
                    case Resolution.Unknown u -> {
                        spool.complete(message.id(), i, RecipientState.Status.FAILED, "5.1.1 user unknown");
                        log.info("id={} bounced to=<{}> reason=\"5.1.1 user unknown\"", message.id(), rcpt);
                    }
                    case Resolution.Remote r -> {
                        // TODO(outbound delivery, the next issue on the road map): relay through MX. Until then remote mail waits here.
                        deferred++;
                        lastError = "4.4.0 remote delivery is not available yet";
                    }
                }
            } catch (IOException e) {
                deferred++;
                lastError = "4.3.0 mailbox temporarily unavailable"; // no paths: this text may reach a bounce
                log.warn("id={} to=<{}> temporary failure: {}", message.id(), rcpt, e.toString());
            }
        }
        return new Outcome(deferred, lastError);
    }

    /** The message stayed queued too long: its pending recipients fail. */
    void expire(SpooledMessage message, String reason) {
        for (int i = 0; i < message.recipients().size(); i++) {
            if (message.recipients().get(i).status() != RecipientState.Status.PENDING) continue;
            try {
                spool.complete(message.id(), i, RecipientState.Status.FAILED, "4.4.7 expired in queue: " + reason);
                log.info("id={} bounced to=<{}> reason=\"4.4.7 expired in queue\"", message.id(),
                        message.recipients().get(i).recipient().mailbox());
            } catch (IOException e) {
                log.error("id={} cannot record expiry: {}", message.id(), e.toString());
            }
        }
    }

    static String deliveryId(QueueId id, int recipient, int mailbox) {
        return id.value() + "R" + recipient + "M" + mailbox;
    }

    // RFC 5321 §4.4: the final delivery adds Return-Path; Delivered-To marks the hop (and stops alias loops).
    private InputStream content(SpooledMessage message, Mailbox box) throws IOException {
        String trace = "Return-Path: " + message.envelope().reversePath() + "\r\nDelivered-To: " + box + "\r\n";
        return new SequenceInputStream(new ByteArrayInputStream(trace.getBytes(StandardCharsets.UTF_8)),
                spool.openContent(message.id()));
    }
}
