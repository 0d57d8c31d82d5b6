package dev.tern.delivery;

import dev.tern.delivery.dsn.Action;
import dev.tern.delivery.dsn.DiagnosticCode;
import dev.tern.delivery.dsn.Dsn;
import dev.tern.delivery.dsn.DsnComposer;
import dev.tern.delivery.dsn.DsnMessage;
import dev.tern.delivery.dsn.OriginalMessage;
import dev.tern.delivery.dsn.RecipientReport;
import dev.tern.mail.EnhancedStatus;
import dev.tern.mail.Envelope;
import dev.tern.mail.Mailbox;
import dev.tern.mail.QueueId;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import dev.tern.spool.MessageWriter;
import dev.tern.spool.Spool;
import dev.tern.spool.SpooledMessage;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells senders what happened (RFC 3461, 3464): composes a DSN with {@link DsnComposer} and queues it in the spool
 * from the null reverse-path, like any other message. The caller records the reported recipients only after
 * {@link #report} returned (a duplicate DSN beats a lost one).
 *
 * <p>No loops: mail from {@code <>} never gets a DSN. When such a message (a DSN itself) fails, the local
 * postmaster gets one notice instead, addressed from {@code <>} too; if that notice fails in turn it is only
 * logged.
 */
final class Notifier {
    private static final Logger log = LoggerFactory.getLogger(Notifier.class);
    private static final Pattern SMTP_REPLY = Pattern.compile("[2-5][0-9][0-9]([ -].*)?");

    private final Spool spool;
    private final DsnComposer composer;
    private final Mailbox postmaster;
    private final Resealer resealer;

    Notifier(Spool spool, DsnComposer composer, Mailbox postmaster) {
        this(spool, composer, postmaster, Resealer.NONE);
    }

    /** {@code resealer} DKIM-signs each DSN with the keys of its From: domain (issue 9). */
    Notifier(Spool spool, DsnComposer composer, Mailbox postmaster, Resealer resealer) {
        this.spool = spool;
        this.composer = composer;
        this.postmaster = postmaster;
        this.resealer = resealer;
    }

    /** One recipient's line for a DSN, from the delivery's values. */
    record Line(int index, Action action, EnhancedStatus status, String host, String diagnostic, Instant lastAttempt) {}

    /**
     * Queues the DSN reporting {@code lines} of {@code message} where NOTIFY asks for it; the new message's id, or
     * empty when none was due. Throws when the DSN could not be queued: the caller then keeps the recipients as
     * they were and tries again later.
     */
    Optional<QueueId> report(SpooledMessage message, List<Line> lines, Instant now) throws IOException {
        Envelope envelope = message.envelope();
        if (envelope.reversePath() instanceof ReversePath.Null) return doubleBounce(message, lines, now);
        List<RecipientReport> reports = lines.stream().map(line -> report(envelope, line)).toList();
        Optional<Dsn> dsn = Dsn.of(message.id(), envelope, message.accepted(), now, reports);
        if (dsn.isEmpty()) return Optional.empty();
        return Optional.of(queue(dsn.get(), message));
    }

    /**
     * A message from {@code <>} failed: the postmaster hears of it once, unless it was already for the postmaster.
     * Delays and successes of such mail are not reported.
     */
    private Optional<QueueId> doubleBounce(SpooledMessage message, List<Line> lines, Instant now) throws IOException {
        List<Line> failed = lines.stream().filter(l -> l.action() instanceof Action.Failed).toList();
        boolean forPostmaster = message.envelope().recipients().stream()
                .anyMatch(r -> r.mailbox().localPart().equalsIgnoreCase("postmaster"));
        if (failed.isEmpty()) return Optional.empty();
        if (forPostmaster) {
            log.warn("id={} notice to the postmaster undeliverable; dropped (no loops)", message.id());
            return Optional.empty();
        }
        // Reported as if the postmaster had sent it, so the DSN machinery (from <> to one address) applies.
        Envelope asPostmaster = new Envelope(ReversePath.of(postmaster), message.envelope().recipients(),
                message.envelope().options());
        List<RecipientReport> reports = failed.stream().map(line -> report(asPostmaster, line)).toList();
        var dsn = new Dsn(message.id(), asPostmaster, message.accepted(), now, reports);
        return Optional.of(queue(dsn, message));
    }

    private QueueId queue(Dsn dsn, SpooledMessage message) throws IOException {
        DsnMessage composed;
        try {
            composed = composer.compose(dsn, () -> spool.openContent(message.id()));
        } catch (IOException | java.util.NoSuchElementException e) {
            // Unreadable, or finished meanwhile (an operator's delete): the report goes without the original.
            log.warn("id={} original unreadable for the DSN, sending it without: {}", message.id(), e.toString());
            composed = composer.compose(dsn, OriginalMessage.NONE);
        }
        try (MessageWriter writer = spool.begin()) {
            writer.write(composed.content(), 0, composed.content().length);
            // May use the spool's reserve: the sender must hear.
            writer.commitNotice(composed.envelope(), resealer.signNotice(composed.content()));
            log.info("id={} dsn={} kind={} to=<{}> rcpts={}", message.id(), writer.id(),
                    dsn.kind().name().toLowerCase(java.util.Locale.ROOT), dsn.sender(), dsn.recipients().size());
            return writer.id();
        }
    }

    private static RecipientReport report(Envelope envelope, Line line) {
        Recipient recipient = envelope.recipients().get(line.index());
        String text = line.diagnostic();
        DiagnosticCode diagnostic = text.isBlank() ? DiagnosticCode.NONE
                : SMTP_REPLY.matcher(text).matches() ? DiagnosticCode.smtp(text) : DiagnosticCode.local(text);
        return new RecipientReport(recipient, line.action(), line.status(), mtaName(line.host()), diagnostic,
                line.lastAttempt());
    }

    /** RFC 3464 §2.3.5: the remote's host name, without the address Tern writes after it, or "" for local. */
    private static String mtaName(String host) {
        if (host.isEmpty() || host.equals("local")) return "";
        int bracket = host.indexOf('[');
        String name = bracket > 0 ? host.substring(0, bracket) : host;
        return name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ';') ? name : "";
    }

}
