package dev.tern.server;

import dev.tern.mail.Envelope;
import dev.tern.mail.QueueId;
import dev.tern.smtp.ContentStage;
import dev.tern.smtp.Replies;
import dev.tern.spool.MessageWriter;
import dev.tern.spool.Spool;
import dev.tern.spool.SpoolFullException;
import java.io.IOException;
import java.net.InetAddress;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content stage of one connection: between the SMTP session and the spool (the DKIM, DMARC and milter checks
 * of a later issue plug in here). Each message goes into a {@link SpoolContent}, which applies the content policy
 * and commits it; {@code 250} follows only its fsync. Called on the connection's thread.
 */
final class SpoolContentStage implements ContentStage {
    private static final Logger log = LoggerFactory.getLogger(SpoolContentStage.class);

    private final String connection;
    private final Spool spool;
    private final String hostname;
    private final int maxHeaderSize;
    private final int maxReceivedHeaders;
    private final MessageInspector inspector;
    private final InetAddress client;
    private final boolean submission;
    private final boolean trustedNetwork;
    private final LocalSubmission.BeforeCommit beforeCommit;
    private final int commitFlags;
    private int queued;

    /**
     * @param hostname           the server's name, for the Message-ID: added on submission
     * @param maxHeaderSize      octets of header section before 552 5.3.4
     * @param maxReceivedHeaders Received: fields at which a message is a loop (554 5.4.6)
     * @param inspector          the content checks of each message
     * @param client             the client's address
     * @param submission         the listener is a submission one (RFC 6409)
     * @param trustedNetwork     the client is in the relay networks
     */
    SpoolContentStage(String connection, Spool spool, String hostname, int maxHeaderSize, int maxReceivedHeaders,
                      MessageInspector inspector, InetAddress client, boolean submission, boolean trustedNetwork) {
        this(connection, spool, hostname, maxHeaderSize, maxReceivedHeaders, inspector, client, submission,
                trustedNetwork, id -> { }, 0);
    }

    /**
     * As above, with {@code beforeCommit} told each message's queue id just before its commit (its IOException
     * refuses the message uncommitted, 451 4.3.0), and {@code commitFlags} set on it in the committing record.
     */
    SpoolContentStage(String connection, Spool spool, String hostname, int maxHeaderSize, int maxReceivedHeaders,
                      MessageInspector inspector, InetAddress client, boolean submission, boolean trustedNetwork,
                      LocalSubmission.BeforeCommit beforeCommit, int commitFlags) {
        this.beforeCommit = beforeCommit;
        this.commitFlags = commitFlags;
        this.connection = connection;
        this.spool = spool;
        this.hostname = hostname;
        this.maxHeaderSize = maxHeaderSize;
        this.maxReceivedHeaders = maxReceivedHeaders;
        this.inspector = inspector;
        this.client = client;
        this.submission = submission;
        this.trustedNetwork = trustedNetwork;
    }

    @Override
    public Content open(Opening opening) {
        MessageWriter writer;
        try {
            writer = spool.begin();
        } catch (IOException e) {
            // The spool cannot take a message now (a full disk): the data is still read to its end, then refused.
            return new Unstorable(storageFailure(e));
        }
        ZonedDateTime now = ZonedDateTime.now();
        // RFC 6409 §8.2, §8.3: an authenticated client is submitting, so missing Date:/Message-ID: are added;
        // relayed mail is never changed.
        Optional<String> submissionHost = opening.authenticatedUser().map(user -> hostname);
        var facts = new MessageInspector.MessageFacts(connection, client, opening.helo(), opening.tls(),
                opening.authenticatedUser(), submission, trustedNetwork, opening.reversePath(), opening.recipients(), writer.id());
        return new SpoolContent(this, writer, opening.received().format(writer.id(), now), submissionHost, now, facts);
    }

    MessageInspector inspector() {
        return inspector;
    }

    /** Messages queued over this connection so far. */
    int queued() {
        return queued;
    }

    String connection() {
        return connection;
    }

    int maxHeaderSize() {
        return maxHeaderSize;
    }

    int maxReceivedHeaders() {
        return maxReceivedHeaders;
    }

    LocalSubmission.BeforeCommit beforeCommit() {
        return beforeCommit;
    }

    int commitFlags() {
        return commitFlags;
    }

    void queued(QueueId id, Envelope envelope, long size) {
        queued++;
        log.info("conn={} queued id={} from={} rcpts={} size={}", connection, id, envelope.reversePath(),
                envelope.recipients().size(), size);
    }

    /** The client keeps the message and tries again later: 452 4.3.1 for a full disk, else 451 4.3.0 (RFC 3463). */
    Stored.Refused storageFailure(IOException e) {
        if (e instanceof SpoolFullException) {
            log.warn("conn={} spool full: {}", connection, e.getMessage());
            return new Stored.Refused(Replies.STORAGE_FULL);
        }
        log.error("conn={} spool write failed: {}", connection, e.toString());
        return new Stored.Refused(Replies.STORAGE_FAILED);
    }

    /** A message the spool could not begin: its octets are read and dropped, then it is refused. */
    private record Unstorable(Stored.Refused refusal) implements Content {
        @Override
        public void write(byte[] buffer, int offset, int length) {
            // Nothing to keep: the message is refused at its end.
        }

        @Override
        public Stored store(Envelope envelope) {
            return refusal;
        }

        @Override
        public void discard() {
            // Nothing was kept.
        }
    }
}
