package dev.tern.smtp;

import dev.tern.sasl.ChannelBinding;
import dev.tern.sasl.SaslServer;
import java.util.List;
import java.util.Optional;

/**
 * The TLS and AUTH state of one session (RFC 3207, RFC 8314, RFC 4954): what EHLO offers, whether STARTTLS or
 * AUTH may start now, the AUTH exchange under way, and who the client authenticated as. {@link SmtpSession}
 * owns one and keeps the order of calls.
 */
final class SessionSecurity {
    private final SecurityProfile profile;
    private boolean tls;
    private ChannelBinding binding = ChannelBinding.NONE;
    private String user;
    private AuthExchange exchange;

    SessionSecurity(SecurityProfile profile) {
        this.profile = profile;
        this.tls = profile.implicitTls();
    }

    /** Adds the EHLO keywords for STARTTLS (RFC 3207 §4) and AUTH (RFC 4954 §3) where they apply now. */
    void advertise(List<String> keywords) {
        if (profile.startTlsOffered() && !tls) keywords.add("STARTTLS"); // RFC 3207 §4.2: not again after TLS
        if (authAvailable() && user == null) keywords.add("AUTH " + SaslServer.mechanisms(binding));
    }

    /** Whether the session is protected by TLS now (STARTTLS done, or implicit TLS). */
    boolean tlsActive() {
        return tls;
    }

    /** Why STARTTLS cannot start now, if it cannot. */
    Optional<Reply> startTlsRefusal(boolean transactionOpen) {
        // RFC 3207 §4.2: the client MUST NOT send STARTTLS again once TLS is active.
        if (tls) return Optional.of(Replies.TLS_ALREADY_ACTIVE);
        // RFC 5321 §4.2.4: a command not offered is "not implemented".
        if (!profile.startTlsOffered()) return Optional.of(Replies.NOT_IMPLEMENTED);
        // RFC 3207 §4.2 discards the session state after the handshake, so an open transaction would vanish
        // without a word; refuse instead (as Postfix does: "MAIL transaction in progress").
        if (transactionOpen) return Optional.of(Replies.TRANSACTION_OPEN);
        return Optional.empty();
    }

    /**
     * RFC 3207 §4.2: the handshake is done; any authentication from before it is forgotten. {@code binding} is
     * the new TLS connection's channel binding (RFC 9266), which enables SCRAM-SHA-256-PLUS.
     */
    void tlsStarted(ChannelBinding binding) {
        tls = true;
        this.binding = binding;
        user = null;
        exchange = null;
    }

    /** RFC 4954 §4: {@code AUTH mechanism [initial-response]}. */
    AuthExchange.Outcome auth(String arguments, boolean afterEhlo, boolean transactionOpen) {
        Optional<Reply> refusal = authRefusal(afterEhlo, transactionOpen);
        if (refusal.isPresent()) return new AuthExchange.Outcome.Failed(refusal.get());
        AuthExchange.Started started = AuthExchange.start(arguments, profile.credentials(), binding);
        exchange = started.exchange().orElse(null);
        return record(started.outcome());
    }

    /** The client's line after a 334 challenge. */
    AuthExchange.Outcome respond(String line) {
        return record(exchange.respond(line));
    }

    /** RFC 4954 §6: a response line over the limit ends the exchange with 500 5.5.6. */
    AuthExchange.Outcome lineTooLong() {
        return record(new AuthExchange.Outcome.Failed(Replies.AUTH_LINE_TOO_LONG));
    }

    /** RFC 8314: the handshake of an implicit TLS listener, made before the greeting, gave {@code binding}. */
    void implicitTlsStarted(ChannelBinding binding) {
        if (!profile.implicitTls()) throw new IllegalStateException("not an implicit TLS session");
        this.binding = binding;
    }

    Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** RFC 4954 §6 and RFC 6409 §4.3: on submission, MAIL needs AUTH first. */
    boolean mailAllowed() {
        return !profile.authRequired() || user != null;
    }

    /** TLS protects the session (STARTTLS or implicit TLS). */
    boolean tls() {
        return tls;
    }

    /** RFC 3848: "S" for TLS, "A" for AUTH, appended to ESMTP or UTF8SMTP in the Received: field. */
    String protocolSuffix() {
        return (tls ? "S" : "") + (user != null ? "A" : "");
    }

    private Optional<Reply> authRefusal(boolean afterEhlo, boolean transactionOpen) {
        if (!profile.authOffered()) return Optional.of(Replies.NOT_IMPLEMENTED);
        // RFC 4954 §4: AUTH is an SMTP service extension, so it needs EHLO; no second AUTH; none in a transaction.
        if (!afterEhlo) return Optional.of(Replies.EHLO_FIRST);
        if (user != null) return Optional.of(Replies.ALREADY_AUTHENTICATED);
        if (transactionOpen) return Optional.of(Replies.TRANSACTION_OPEN);
        // RFC 4954 §6: 538 5.7.11 when the mechanism may only be used over an encrypted connection.
        if (!authAvailable()) return Optional.of(Replies.ENCRYPTION_REQUIRED);
        return Optional.empty();
    }

    /** AUTH may be used now: offered, and over TLS unless the profile allows plaintext (RFC 4954 §4, §14). */
    private boolean authAvailable() {
        return profile.authOffered() && (tls || profile.plaintextAuth());
    }

    private AuthExchange.Outcome record(AuthExchange.Outcome outcome) {
        if (!(outcome instanceof AuthExchange.Outcome.Continue)) exchange = null;
        if (outcome instanceof AuthExchange.Outcome.Authenticated(String username)) user = username;
        return outcome;
    }
}
