package dev.tern.sasl;

import java.util.Optional;

/**
 * Where SASL exchanges (RFC 4954) check what a client proves. Implemented by the account store (wrapped per
 * connection by the server, which adds rate limiting for the client's address); tests use a table.
 * Thread-safe; called on connection threads, which may be delayed here on purpose (tarpitting failures).
 *
 * <p>Every method must take about as long for an unknown user as for a known one, so timing does not reveal
 * which accounts exist. The session answers {@link Check#REJECTED} with {@code 535 5.7.8} whatever the cause,
 * and {@link Check#THROTTLED} with {@code 454 4.7.0}.
 */
public interface Credentials {
    /** The outcome of a check. */
    enum Check { ACCEPTED, REJECTED, THROTTLED }

    /** No accounts at all: every check fails. */
    Credentials NONE = new Credentials() {
        @Override
        public Check verifyPassword(String username, String password) {
            return Check.REJECTED;
        }

        @Override
        public Optional<ScramCredential> scramSha256(String username) {
            return Optional.empty();
        }
    };

    /** PLAIN (RFC 4616) and LOGIN: whether {@code password} is this account's password. */
    Check verifyPassword(String username, String password);

    /**
     * SCRAM-SHA-256 (RFC 5802, RFC 7677): the account's stored keys, or empty for an unknown user (the exchange
     * then goes on with made-up values and fails only at the end, RFC 5802 §5.1).
     */
    Optional<ScramCredential> scramSha256(String username);

    /** The end of a SCRAM exchange, so it is counted and limited like a password check. */
    default Check scramOutcome(String username, boolean proofValid) {
        return proofValid ? Check.ACCEPTED : Check.REJECTED;
    }
}
