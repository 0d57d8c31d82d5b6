package dev.tern.app.metrics;

import dev.tern.sasl.Credentials;
import dev.tern.sasl.ScramCredential;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Counts the outcome of every password and SCRAM check one protocol makes (docs/metrics.md,
 * {@code tern_auth_attempts_total}), around the throttled checks it is given. PLAIN, LOGIN, IMAP's LOGIN and
 * POP3's USER/PASS all check a password and are counted as mechanism {@code password}.
 */
public final class CountedCredentials implements Credentials {
    private final Credentials checks;
    private final Counter[] password;
    private final Counter[] scram;

    private CountedCredentials(Credentials checks, Counter[] password, Counter[] scram) {
        this.checks = checks;
        this.password = password;
        this.scram = scram;
    }

    /** {@code credentials} for {@code protocol} ({@code smtp}, {@code imap}, {@code pop3}), each check counted. */
    public static Function<InetAddress, Credentials> of(String protocol, Function<InetAddress, Credentials> credentials,
                                                         MeterRegistry meters) {
        Counter[] password = counters(protocol, "password", meters);
        Counter[] scram = counters(protocol, "scram-sha-256", meters);
        return client -> new CountedCredentials(credentials.apply(client), password, scram);
    }

    private static Counter[] counters(String protocol, String mechanism, MeterRegistry meters) {
        Check[] checks = Check.values();
        Counter[] counters = new Counter[checks.length];
        for (Check check : checks) {
            counters[check.ordinal()] = Counter.builder("tern_auth_attempts")
                    .description("Authentication checks, by protocol, mechanism and outcome")
                    .tag("protocol", protocol).tag("mechanism", mechanism)
                    .tag("outcome", check.name().toLowerCase(Locale.ROOT)).register(meters);
        }
        return counters;
    }

    @Override
    public Check verifyPassword(String username, String password) {
        Check check = checks.verifyPassword(username, password);
        this.password[check.ordinal()].increment();
        return check;
    }

    @Override
    public Optional<ScramCredential> scramSha256(String username) {
        return checks.scramSha256(username);
    }

    @Override
    public Check scramOutcome(String username, boolean proofValid) {
        Check check = checks.scramOutcome(username, proofValid);
        scram[check.ordinal()].increment();
        return check;
    }
}
