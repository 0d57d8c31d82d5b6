package dev.tern.delivery;

import dev.tern.directory.Directory;
import dev.tern.directory.Resolution;
import dev.tern.mail.EnhancedStatus;
import dev.tern.mail.Envelope;
import dev.tern.mail.Mailbox;
import dev.tern.mail.QueueId;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import dev.tern.mailauth.srs.Srs;
import dev.tern.mailauth.srs.SrsReversal;
import dev.tern.spool.MessageWriter;
import dev.tern.spool.Spool;
import dev.tern.spool.SpooledMessage;
import dev.tern.store.MailStore;
import dev.tern.store.SpecialUse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers recipients at local domains: resolves each (aliases and lists expand here, at delivery time, so a
 * changed alias takes effect) and writes one copy per mailbox. Members of an alias or list at other domains are
 * forwarded: one new message to all of them, queued in the spool from the original sender, which the queue then
 * routes like any other mail. With SRS on, the forward's reverse path is the original sender rewritten to an
 * {@code SRS0} address at our domain (when the sender is not at a local domain), so the next hop's SPF check sees
 * our domain; a bounce to it comes back here and is routed to the original sender (docs/srs.md).
 *
 * <p>Exactly once locally: each copy carries a delivery id made of the queue id, the recipient's index and the
 * mailbox's index, so a message recovered after a crash is checked against the mailbox before it is stored again.
 * A forward can be queued twice when the process dies between queueing it and recording the recipient (a
 * duplicate beats a loss).
 */
final class LocalTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(LocalTransport.class);
    private static final EnhancedStatus MAILBOX_UNAVAILABLE = EnhancedStatus.of(4, 2, 0);
    private static final EnhancedStatus USER_UNKNOWN = EnhancedStatus.of(5, 1, 1);

    private final Spool spool;
    private final Directory directory;
    private final MailStore store;
    private final Optional<Srs> srs;
    private final Resealer resealer;

    /** Without SRS: forwards keep the original reverse path. */
    LocalTransport(Spool spool, Directory directory, MailStore store) {
        this(spool, directory, store, Optional.empty());
    }

    /** With {@code srs}, forwards to other domains carry an SRS reverse path. */
    LocalTransport(Spool spool, Directory directory, MailStore store, Optional<Srs> srs) {
        this(spool, directory, store, srs, Resealer.NONE);
    }

    /** As above; {@code resealer} signs and ARC-seals what is forwarded off-site (issue 9). */
    LocalTransport(Spool spool, Directory directory, MailStore store, Optional<Srs> srs, Resealer resealer) {
        this.spool = spool;
        this.directory = directory;
        this.store = store;
        this.srs = srs;
        this.resealer = resealer;
    }

    @Override
    public List<RecipientOutcome> deliver(SpooledMessage message, List<Integer> recipients) {
        boolean checkExisting = message.recovered() || message.attempts() > 0;
        List<RecipientOutcome> outcomes = new ArrayList<>(recipients.size());
        for (int i : recipients) {
            Mailbox rcpt = message.envelope().recipients().get(i).mailbox();
            try {
                Optional<Mailbox> bounce = srsOriginal(rcpt);
                if (bounce.isPresent()) {
                    outcomes.add(bounced(message, i, bounce.get()));
                    continue;
                }
                outcomes.add(switch (directory.resolve(rcpt)) {
                    case Resolution.Local l -> {
                        for (int j = 0; j < l.mailboxes().size(); j++) {
                            Mailbox box = l.mailboxes().get(j);
                            // The store may skip the copy (already there) without reading: close it ourselves.
                            try (InputStream content = content(message, box)) {
                                String id = deliveryId(message.id(), i, j);
                                // DMARC quarantine or a filter's verdict (issue 9): the Junk folder, not the INBOX.
                                if (message.quarantined()) {
                                    store.deliver(box, SpecialUse.JUNK, id, content, checkExisting);
                                } else {
                                    store.deliver(box, id, content, checkExisting);
                                }
                            }
                        }
                        String forwarded = l.remote().isEmpty() ? ""
                                : " forwarded as " + forward(message, message.envelope().recipients().get(i), l.remote());
                        log.info("id={} delivered to=<{}> mailboxes={}{}", message.id(), rcpt, l.mailboxes().size(),
                                forwarded);
                        yield new RecipientOutcome.Delivered(i, "local", "delivered to " + l.mailboxes().size()
                                + " mailbox(es)" + forwarded);
                    }
                    case Resolution.Unknown u -> new RecipientOutcome.PermanentFailure(i, USER_UNKNOWN, "local",
                            "user unknown");
                    // The runner gives only local recipients; a domain that stopped being local meanwhile waits.
                    case Resolution.Remote r -> new RecipientOutcome.TemporaryFailure(i, EnhancedStatus.of(4, 3, 0),
                            "local", "not a local recipient any more");
                });
            } catch (IOException e) {
                // No paths in the text: it may reach a DSN.
                outcomes.add(new RecipientOutcome.TemporaryFailure(i, MAILBOX_UNAVAILABLE, "local",
                        "mailbox temporarily unavailable"));
                log.warn("id={} to=<{}> temporary failure: {}", message.id(), rcpt, e.toString());
            }
        }
        return outcomes;
    }

    /**
     * The original sender behind a valid SRS address. A DSN that this server makes about a forward it could not
     * deliver goes to the forward's SRS reverse path without passing RCPT, so it is routed here as RCPT would
     * route it (docs/srs.md); an invalid SRS address is left to the directory (an unknown user).
     */
    private Optional<Mailbox> srsOriginal(Mailbox rcpt) {
        if (srs.isEmpty() || !(srs.get().reverse(rcpt) instanceof SrsReversal.Original(Mailbox original))) {
            return Optional.empty();
        }
        return Optional.of(original);
    }

    private RecipientOutcome bounced(SpooledMessage message, int i, Mailbox original) throws IOException {
        QueueId id = forward(message, message.envelope().recipients().get(i), List.of(original));
        log.info("id={} srs to=<{}> forwarded to=<{}> as {}", message.id(),
                message.envelope().recipients().get(i).mailbox(), original, id);
        return new RecipientOutcome.Delivered(i, "local", "SRS address forwarded to the original sender as " + id);
    }

    static String deliveryId(QueueId id, int recipient, int mailbox) {
        return id.value() + "R" + recipient + "M" + mailbox;
    }

    /**
     * Queues the message again for {@code members} at other domains, from the original sender; its queue id. The
     * members keep the alias recipient's NOTIFY, and its ORCPT (or the alias address itself) as theirs (RFC 3461
     * §6.2.7.4: an alias expansion passes the DSN request on).
     */
    private QueueId forward(SpooledMessage message, Recipient alias, List<Mailbox> members) throws IOException {
        String orcpt = alias.orcpt().isEmpty() ? "rfc822;" + alias.mailbox() : alias.orcpt();
        List<Recipient> to = members.stream().map(m -> new Recipient(m, alias.notifyOn(), orcpt)).toList();
        Envelope original = message.envelope();
        try (MessageWriter writer = spool.begin(); InputStream content = spool.openContent(message.id())) {
            // Quarantined mail (DMARC, a filter) goes on as it came and keeps its flag: we do not vouch for it.
            boolean quarantined = message.quarantined();
            byte[] head = quarantined ? Resealer.copy(content, writer) : resealer.forward(content, writer);
            writer.commit(new Envelope(reversePath(original.reversePath()), to, original.options()), head,
                    quarantined ? SpooledMessage.QUARANTINE : 0);
            return writer.id();
        }
    }

    /**
     * The forward's reverse path: the sender's, rewritten by SRS when it is at another domain (a local sender's
     * own domain already passes SPF here). The null path stays null (RFC 5321 §4.5.5: no bounce to a bounce).
     */
    private ReversePath reversePath(ReversePath original) {
        return switch (original) {
            case ReversePath.Null n -> original;
            case ReversePath.Sender(Mailbox sender) -> srs.isEmpty() || directory.isLocal(sender.domain()) ? original
                    : ReversePath.of(srs.get().forward(sender));
        };
    }

    // RFC 5321 §4.4: the final delivery adds Return-Path; Delivered-To marks the hop (and stops alias loops).
    private InputStream content(SpooledMessage message, Mailbox box) throws IOException {
        String trace = "Return-Path: " + message.envelope().reversePath() + "\r\nDelivered-To: " + box + "\r\n";
        return new SequenceInputStream(new ByteArrayInputStream(trace.getBytes(StandardCharsets.UTF_8)),
                spool.openContent(message.id()));
    }
}
