package dev.tern.mail;

/**
 * What the stages tell the operator's metrics (docs/metrics.md): events on the hot paths, each a call with
 * primitive or enum arguments, so an implementation can count them in pre-made counters without allocating.
 * Every method does nothing by default; {@link #NONE} is what a stage gets when nothing listens (tests, an
 * embedding program). tern-app implements it over Micrometer; no module below it depends on Micrometer.
 *
 * <p>Contract: called on connection, delivery and committer threads, concurrently; an implementation must be
 * thread-safe, must not block or take locks shared with the caller, and must not throw.
 */
public interface Telemetry {
    /** Listens to nothing. */
    Telemetry NONE = new Telemetry() {};

    /** Why an SMTP command, a message or a connection was refused: the reasons a dashboard tells apart. */
    enum Refusal {
        RELAY_DENIED, UNKNOWN_USER, SIZE, SYNTAX, SEQUENCE, RATE_LIMIT, AUTH_REQUIRED, SENDER_NOT_OWNED,
        /** The message's authentication (SPF, DKIM, DMARC, a milter) said reject. */
        CONTENT_REJECTED, DNSBL, STORAGE, CHECKS_UNAVAILABLE, LOOP, TLS_REQUIRED, AUTH_FAILED, OTHER_TEMPORARY,
        OTHER_PERMANENT
    }

    /** Where a recipient was delivered to. */
    enum Route { LOCAL, REMOTE }

    /** One delivery attempt's result for one recipient. */
    enum Outcome { DELIVERED, DEFERRED, BOUNCED }

    /** The kind of delivery status notification queued (RFC 3464 actions). */
    enum DsnKind { FAILURE, DELAY, SUCCESS }

    /** A connection was admitted on a listener of {@code kind} ({@code smtp}, {@code imaps}, ...). */
    default void connectionOpened(String kind) {}

    /** A connection to a listener of {@code kind} was refused at once: over a connection limit. */
    default void connectionRefused(String kind) {}

    /** An admitted connection of {@code kind} ended. */
    default void connectionClosed(String kind) {}

    /**
     * A server-side TLS handshake ended on a listener of {@code kind}: {@code protocol} is the negotiated version
     * ({@code TLSv1.3}) when it succeeded, empty when it failed.
     */
    default void tlsHandshake(String kind, String protocol, boolean succeeded) {}

    /** A message was committed to the spool from an SMTP listener of {@code kind}, before its 250. */
    default void messageAccepted(String kind) {}

    /** An SMTP reply refused something, for {@code reason}. */
    default void refused(Refusal reason) {}

    /** A delivery attempt of one recipient ended. */
    default void delivery(Route route, Outcome outcome) {}

    /** A DSN (or a postmaster notice) was queued. */
    default void dsnQueued(DsnKind kind) {}

    /** The spool's log was flushed to disk ({@code fdatasync}), taking {@code nanos}. */
    default void fsync(long nanos) {}
}
