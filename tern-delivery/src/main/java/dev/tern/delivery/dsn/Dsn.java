package dev.tern.delivery.dsn;

import dev.tern.mail.Envelope;
import dev.tern.mail.Mailbox;
import dev.tern.mail.Notify;
import dev.tern.mail.QueueId;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything one delivery status notification says about one message: which message (its queue id, envelope
 * and arrival), when the report is made, and one {@link RecipientReport} per reported recipient. The failed
 * recipients of one message share one DSN; a DSN may also mix failed and delayed recipients.
 *
 * <p>Which recipients are reported, and when, is the caller's decision; {@link #of} applies the rules of
 * RFC 3461 to that choice. A DSN is always addressed to the original reverse-path, so one for a message from
 * the null reverse-path {@code <>} cannot be made (RFC 5321 §4.5.5: no notification for a notification).
 *
 * @param queueId    the original message's queue id (named in the report and in the DSN's Message-ID)
 * @param envelope   the original envelope: reverse-path, recipients with NOTIFY and ORCPT, RET, ENVID, SMTPUTF8
 * @param arrival    when Tern accepted the original message ({@code Arrival-Date})
 * @param date       when this DSN is made ({@code Date} of the DSN)
 * @param recipients the reported recipients, at least one, in envelope order
 */
public record Dsn(QueueId queueId, Envelope envelope, Instant arrival, Instant date, List<RecipientReport> recipients) {
    public Dsn {
        if (queueId == null || envelope == null || arrival == null || date == null) {
            throw new IllegalArgumentException("null DSN part");
        }
        if (!(envelope.reversePath() instanceof ReversePath.Sender)) {
            throw new IllegalArgumentException("no DSN for mail from <>");
        }
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) throw new IllegalArgumentException("a DSN reports at least one recipient");
    }

    /**
     * The DSN for {@code reports}, keeping only the recipients whose NOTIFY asks for their action
     * ({@link #requested}); empty when the message came from {@code <>} or no recipient is left. This is the
     * one way the delivery side should make a {@code Dsn}.
     */
    public static Optional<Dsn> of(QueueId queueId, Envelope envelope, Instant arrival, Instant date,
                                   List<RecipientReport> reports) {
        if (!(envelope.reversePath() instanceof ReversePath.Sender)) return Optional.empty();
        List<RecipientReport> wanted = reports.stream()
                .filter(report -> requested(report.recipient(), report.action()))
                .toList();
        if (wanted.isEmpty()) return Optional.empty();
        return Optional.of(new Dsn(queueId, envelope, arrival, date, wanted));
    }

    /**
     * Whether {@code recipient}'s NOTIFY asks for a DSN reporting {@code action} (RFC 3461 §4.1): no NOTIFY
     * means FAILURE,DELAY; NEVER means none; failed needs FAILURE, delayed needs DELAY, and delivered,
     * relayed and expanded need SUCCESS.
     */
    public static boolean requested(Recipient recipient, Action action) {
        Set<Notify> notify = effectiveNotify(recipient);
        return switch (action) {
            case Action.Failed f -> notify.contains(Notify.FAILURE);
            case Action.Delayed d -> notify.contains(Notify.DELAY);
            case Action.Delivered d -> notify.contains(Notify.SUCCESS);
            case Action.Relayed r -> notify.contains(Notify.SUCCESS);
            case Action.Expanded e -> notify.contains(Notify.SUCCESS);
        };
    }

    /**
     * The NOTIFY keywords in force for {@code recipient}: what it gave, or FAILURE,DELAY when it gave none
     * (RFC 3461 §4.1 leaves DELAY to the MTA; Tern sends delay warnings, as Postfix does).
     */
    public static Set<Notify> effectiveNotify(Recipient recipient) {
        return recipient.notifyOn().isEmpty() ? Set.of(Notify.FAILURE, Notify.DELAY) : recipient.notifyOn();
    }

    /** The original sender, to whom the DSN goes. */
    public Mailbox sender() {
        return ((ReversePath.Sender) envelope.reversePath()).mailbox();
    }

    /** Failure when any recipient failed, else delay when any is delayed, else success. */
    public DsnKind kind() {
        boolean delayed = false;
        for (RecipientReport report : recipients) {
            if (report.action() instanceof Action.Failed) return DsnKind.FAILURE;
            if (report.action() instanceof Action.Delayed) delayed = true;
        }
        return delayed ? DsnKind.DELAY : DsnKind.SUCCESS;
    }

    /**
     * True when the report needs the internationalized forms of RFC 6533: the original was sent with SMTPUTF8
     * or an address in it has a non-ASCII local part.
     */
    public boolean international() {
        if (envelope.options().smtpUtf8() || sender().isUtf8()) return true;
        for (RecipientReport report : recipients) {
            if (report.recipient().mailbox().isUtf8()) return true;
        }
        return false;
    }
}
