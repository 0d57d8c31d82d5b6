package dev.tern.server;

import dev.tern.mail.Envelope;
import dev.tern.mail.QueueId;
import dev.tern.mailauth.FoldedField;
import dev.tern.smtp.ContentStage;
import dev.tern.spool.Spool;
import dev.tern.spool.SpooledMessage;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Mail submitted by an authenticated program without SMTP (the HTTP API): each message goes through the same
 * content stage as mail submitted over SMTP after AUTH ({@link SpoolContentStage}, {@link SpoolContent}): our
 * {@code Received:} field, a missing {@code Date:} and {@code Message-ID:} added (RFC 6409 §8), the hop and header
 * size limits, the {@link MessageInspector} (DKIM signing of the sender's domain, the milters), then the spool's
 * commit; {@link ContentStage.Stored.Queued} only after its fsync. Thread-safe: each call has its own stage.
 */
public final class LocalSubmission {
    // An Origin is made per message: its checks are compiled once.
    private static final Pattern ATOM = Pattern.compile("[A-Za-z0-9-]+");
    private static final Pattern BREAKS = Pattern.compile("[()\\\\\\r\\n]");

    private final Spool spool;
    private final String hostname;
    private final int maxHeaderSize;
    private final int maxReceivedHeaders;
    private final MessageInspector inspector;

    /**
     * @param hostname           the server's name, in {@code Received:} and the {@code Message-ID:} added
     * @param maxHeaderSize      octets of header section a message may have (as {@code smtp.max_header_size})
     * @param maxReceivedHeaders {@code Received:} fields at which a message is a loop
     * @param inspector          the content checks, the SMTP listeners' own
     */
    public LocalSubmission(Spool spool, String hostname, int maxHeaderSize, int maxReceivedHeaders,
                           MessageInspector inspector) {
        if (spool == null || hostname == null || inspector == null) {
            throw new IllegalArgumentException("spool, hostname and inspector are required");
        }
        this.spool = spool;
        this.hostname = hostname;
        this.maxHeaderSize = maxHeaderSize;
        this.maxReceivedHeaders = maxReceivedHeaders;
        this.inspector = inspector;
    }

    /**
     * Who submits.
     *
     * @param connection a name for the logs ({@code conn=})
     * @param client     the program's address
     * @param identity   what it authenticated as (to the checks, as an SMTP AUTH identity: Authentication-Results:
     *                   and the milters see it; DKIM signs only the From: domain of the envelope sender then)
     * @param comment    said in the {@code Received:} field after the client's address, in parentheses
     * @param protocol   the {@code with} word of the {@code Received:} field ({@code HTTPA}, {@code HTTPSA})
     */
    public record Origin(String connection, InetAddress client, String identity, String comment, String protocol) {
        public Origin {
            if (connection == null || client == null || identity == null || comment == null || protocol == null) {
                throw new IllegalArgumentException("an origin needs all its fields");
            }
            if (!ATOM.matcher(protocol).matches() || BREAKS.matcher(comment).find()) {
                throw new IllegalArgumentException("a protocol is an atom, a comment has no parentheses or breaks");
            }
        }
    }

    /**
     * Runs {@code message} (a whole RFC 5322 message, CRLF line endings) through the content stage and commits it
     * with {@code envelope}: {@link ContentStage.Stored.Queued} once it is durable, or the refusal an SMTP client
     * would have been given (a full disk, a loop, a filter's reject).
     */
    public ContentStage.Stored submit(Origin origin, Envelope envelope, byte[] message) {
        return submit(origin, envelope, message, id -> { }, 0);
    }

    /** Told a message's queue id once its checks passed, just before the spool's commit. */
    @FunctionalInterface
    public interface BeforeCommit {
        /** An IOException refuses the message: it is not committed (the caller is told 451 4.3.0). */
        void accept(QueueId id) throws java.io.IOException;
    }

    /**
     * As {@link #submit(Origin, Envelope, byte[])}, but the message is committed held ({@link SpooledMessage#HELD},
     * in the record that commits it, so it cannot be delivered before the caller releases it), and
     * {@code beforeCommit} is called with its queue id first: the HTTP API's idempotency log notes the id durably
     * there, so that after a crash it can tell from the spool whether the message was committed.
     */
    public ContentStage.Stored submitHeld(Origin origin, Envelope envelope, byte[] message, BeforeCommit beforeCommit) {
        return submit(origin, envelope, message, beforeCommit, SpooledMessage.HELD);
    }

    private ContentStage.Stored submit(Origin origin, Envelope envelope, byte[] message, BeforeCommit beforeCommit,
                                       int flags) {
        String literal = addressLiteral(origin.client());
        SpoolContentStage stage = new SpoolContentStage(origin.connection(), spool, hostname, maxHeaderSize,
                maxReceivedHeaders, inspector, origin.client(), true, false, beforeCommit, flags);
        var opening = new ContentStage.Opening(Optional.of(origin.identity()), literal, false, envelope.reversePath(),
                envelope.recipients(), (id, when) -> received(origin, literal, envelope, id, when));
        ContentStage.Content content = stage.open(opening);
        try {
            content.write(message, 0, message.length);
            return content.store(envelope);
        } catch (java.io.IOException e) {
            // SpoolContent keeps a write failure for store(); the interface allows a throw all the same.
            return new ContentStage.Stored.Refused(dev.tern.smtp.Replies.STORAGE_FAILED);
        } finally {
            content.discard(); // after store it does nothing; on a failure it frees the writer
        }
    }

    /** RFC 5321 §4.4's trace field, the same shape as the SMTP listeners' (a single recipient is named). */
    private String received(Origin origin, String literal, Envelope envelope, QueueId id, ZonedDateTime when) {
        FoldedField f = new FoldedField("Received").word("from").word(literal).word("(" + origin.comment() + ")");
        f.word("by").word(hostname).word("(Tern)").word("with").word(origin.protocol()).word("id").word(id.value());
        if (envelope.recipients().size() == 1) {
            f.word("for").word("<" + envelope.recipients().getFirst().mailbox() + ">;");
        } else {
            f.glued(";");
        }
        return f.word(SpoolContent.DATE.format(when)).line();
    }

    /** RFC 5321 §4.1.3: {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]}. */
    private static String addressLiteral(InetAddress address) {
        String text = address.getHostAddress();
        int zone = text.indexOf('%');
        if (zone >= 0) text = text.substring(0, zone);
        return address instanceof Inet6Address ? "[IPv6:" + text + "]" : "[" + text + "]";
    }
}
