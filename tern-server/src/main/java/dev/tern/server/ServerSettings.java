package dev.tern.server;

import dev.tern.net.Cidr;
import dev.tern.net.FileDescriptorBudget;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The SMTP listeners' settings. Immutable; {@link #defaults()} serve {@code ./tern run} without a config file,
 * and each {@code withX} copy changes one field (validated as the constructor does), so a caller states only
 * what differs from the defaults. No check spans two fields, so a failing {@code withX} names its own field.
 *
 * @param smtpListeners       addresses to accept SMTP on (default 127.0.0.1:2525): STARTTLS offered, AUTH
 *                            offered only over TLS and never required
 * @param submissionListeners message submission, RFC 6409 (default 127.0.0.1:2587): STARTTLS, AUTH required
 * @param smtpsListeners      submission over implicit TLS, RFC 8314 §3.3 (default 127.0.0.1:2465): AUTH required
 * @param listenBacklog       the accept queue length (large, so bursts of connecting clients are not refused)
 * @param maxConnections      concurrent sessions in total; beyond it new clients get 421 4.7.0 and a close. The
 *                            server lowers it further to what its file-descriptor limit allows
 *                            ({@link FileDescriptorBudget})
 * @param maxConnectionsPerIp concurrent sessions per client address, except {@code exemptNetworks}
 * @param exemptNetworks      CIDR blocks free of the per-address limit (default: loopback, like Postfix's
 *                            mynetworks exemption for anvil limits)
 * @param idleTimeout         time to wait for a command or data (RFC 5321 §4.5.3.2.7: at least 5 minutes)
 * @param sessionTimeout      the longest a whole session may last
 * @param maxCommandLine      octets in a command line including CRLF (default 2048, as Postfix's
 *                            line_length_limit: RFC 5321 §4.5.3.1.4's 512 is a minimum that extensions raise,
 *                            RFC 1870 by 26, RFC 3461 by ENVID/RET and ORCPT, RFC 4954 §5 by 500 for AUTH=)
 * @param maxHeaderSize       octets in the message's header section
 * @param plaintextAuthOnLoopback AUTH offered without TLS to clients on a loopback address (default false:
 *                            passwords only ever travel encrypted, RFC 8314 §3)
 * @param submissionLimits    messages and recipients per hour per user and per client address, for submission
 *                            (issue #3); the per-address limits spare {@code exemptNetworks} too
 * @param relayNetworks       CIDR blocks whose clients may relay to any domain without AUTH, as Postfix's
 *                            {@code mynetworks} with {@code permit_mynetworks} (a web application on this host, a
 *                            trusted relay); default none: only authenticated clients relay
 */
public record ServerSettings(List<InetSocketAddress> smtpListeners, List<InetSocketAddress> submissionListeners,
                             List<InetSocketAddress> smtpsListeners, int listenBacklog, int maxConnections,
                             int maxConnectionsPerIp, List<String> exemptNetworks, Duration idleTimeout,
                             Duration sessionTimeout, int maxCommandLine, int maxHeaderSize,
                             boolean plaintextAuthOnLoopback, SubmissionLimitSettings submissionLimits,
                             List<String> relayNetworks) {
    public ServerSettings {
        smtpListeners = List.copyOf(smtpListeners);
        submissionListeners = List.copyOf(submissionListeners);
        smtpsListeners = List.copyOf(smtpsListeners);
        exemptNetworks = List.copyOf(exemptNetworks);
        relayNetworks = List.copyOf(relayNetworks);
        if (submissionLimits == null) throw new IllegalArgumentException("submissionLimits are required");
        atLeast(listenBacklog, 1, "listenBacklog must be at least 1");
        atLeast(maxConnections, 1, "maxConnections must be at least 1");
        atLeast(maxConnectionsPerIp, 1, "maxConnectionsPerIp must be at least 1");
        positive(idleTimeout, "idleTimeout must be longer than zero");
        positive(sessionTimeout, "sessionTimeout must be longer than zero");
        atLeast(maxCommandLine, 512, "maxCommandLine must be at least 512 (RFC 5321 §4.5.3.1.4)");
        atLeast(maxHeaderSize, 1024, "maxHeaderSize must be at least 1024");
    }

    public static ServerSettings defaults() {
        return new ServerSettings(List.of(new InetSocketAddress("127.0.0.1", 2525)),
                List.of(new InetSocketAddress("127.0.0.1", 2587)), List.of(new InetSocketAddress("127.0.0.1", 2465)),
                4096, 20_000, 50, List.of("127.0.0.0/8", "::1/128"), Duration.ofMinutes(5), Duration.ofMinutes(30),
                2048, 256 * 1024, false, SubmissionLimitSettings.defaults(), List.of());
    }

    /** The same with other listeners of all three kinds (tests: {@code 127.0.0.1:0} each). */
    public ServerSettings withListeners(List<InetSocketAddress> smtp, List<InetSocketAddress> submission,
                                        List<InetSocketAddress> smtps) {
        return withSmtpListeners(smtp).withSubmissionListeners(submission).withSmtpsListeners(smtps);
    }

    public ServerSettings withSmtpListeners(List<InetSocketAddress> value) {
        return new ServerSettings(value, submissionListeners, smtpsListeners, listenBacklog, maxConnections,
                maxConnectionsPerIp, exemptNetworks, idleTimeout, sessionTimeout, maxCommandLine,
                maxHeaderSize, plaintextAuthOnLoopback, submissionLimits, relayNetworks);
    }

    public ServerSettings withSubmissionListeners(List<InetSocketAddress> value) {
        return new ServerSettings(smtpListeners, value, smtpsListeners, listenBacklog, maxConnections,
                maxConnectionsPerIp, exemptNetworks, idleTimeout, sessionTimeout, maxCommandLine,
                maxHeaderSize, plaintextAuthOnLoopback, submissionLimits, relayNetworks);
    }

    public ServerSettings withSmtpsListeners(List<InetSocketAddress> value) {
        return new ServerSettings(smtpListeners, submissionListeners, value, listenBacklog, maxConnections,
                maxConnectionsPerIp, exemptNetworks, idleTimeout, sessionTimeout, maxCommandLine,
                maxHeaderSize, plaintextAuthOnLoopback, submissionLimits, relayNetworks);
    }

    public ServerSettings withListenBacklog(int value) {
        return new ServerSettings(smtpListeners, submissionListeners, smtpsListeners, value, maxConnections,
                maxConnectionsPerIp, exemptNetworks, idleTimeout, sessionTimeout, maxCommandLine,
                maxHeaderSize, plaintextAuthOnLoopback, submissionLimits, relayNetworks);
    }

    public ServerSettings withMaxConnections(int value) {
        return new ServerSettings(smtpListeners, submissionListeners, smtpsListeners, listenBacklog, value,
                maxConnectionsPerIp, exemptNetworks, idleTimeout, sessionTimeout, maxCommandLine,
                maxHeaderSize, plaintextAuthOnLoopback, submissionLimits, relayNetworks);
    }

    public ServerSettings withMaxConnectionsPerIp(int value) {
        return new ServerSettings(smtpListeners, submissionListeners, smtpsListeners, listenBacklog, maxConnections,
                value, exemptNetworks, idleTimeout, sessionTimeout, maxCommandLine,
                maxHeaderSize, plaintextAuthOnLoopback, submissionLimits, relayNetworks);
    }

    public ServerSettings withExemptNetworks(List<String> value) {
        return new ServerSettings(smtpListeners, submissionListeners, smtpsListeners, listenBacklog, maxConnections,
                maxConnectionsPerIp, value, idleTimeout, sessionTimeout, maxCommandLine,
                maxHeaderSize, plaintextAuthOnLoopback, submissionLimits, relayNetworks);
    }

    public ServerSettings withIdleTimeout(Duration value) {
        return new ServerSettings(smtpListeners, submissionListeners, smtpsListeners, listenBacklog, maxConnections,
                maxConnectionsPerIp, exemptNetworks, value, sessionTimeout, maxCommandLine,
                maxHeaderSize, plaintextAuthOnLoopback, submissionLimits, relayNetworks);
    }

    public ServerSettings withSessionTimeout(Duration value) {
        return new ServerSettings(smtpListeners, submissionListeners, smtpsListeners, listenBacklog, maxConnections,
                maxConnectionsPerIp, exemptNetworks, idleTimeout, value, maxCommandLine,
                maxHeaderSize, plaintextAuthOnLoopback, submissionLimits, relayNetworks);
    }

    public ServerSettings withMaxCommandLine(int value) {
        return new ServerSettings(smtpListeners, submissionListeners, smtpsListeners, listenBacklog, maxConnections,
                maxConnectionsPerIp, exemptNetworks, idleTimeout, sessionTimeout, value,
                maxHeaderSize, plaintextAuthOnLoopback, submissionLimits, relayNetworks);
    }

    public ServerSettings withMaxHeaderSize(int value) {
        return new ServerSettings(smtpListeners, submissionListeners, smtpsListeners, listenBacklog, maxConnections,
                maxConnectionsPerIp, exemptNetworks, idleTimeout, sessionTimeout, maxCommandLine,
                value, plaintextAuthOnLoopback, submissionLimits, relayNetworks);
    }

    public ServerSettings withPlaintextAuthOnLoopback(boolean value) {
        return new ServerSettings(smtpListeners, submissionListeners, smtpsListeners, listenBacklog, maxConnections,
                maxConnectionsPerIp, exemptNetworks, idleTimeout, sessionTimeout, maxCommandLine,
                maxHeaderSize, value, submissionLimits, relayNetworks);
    }

    public ServerSettings withSubmissionLimits(SubmissionLimitSettings value) {
        return new ServerSettings(smtpListeners, submissionListeners, smtpsListeners, listenBacklog, maxConnections,
                maxConnectionsPerIp, exemptNetworks, idleTimeout, sessionTimeout, maxCommandLine,
                maxHeaderSize, plaintextAuthOnLoopback, value, relayNetworks);
    }

    public ServerSettings withRelayNetworks(List<String> value) {
        value.forEach(Cidr::parse); // refused here, under its key, rather than at the first connection
        return new ServerSettings(smtpListeners, submissionListeners, smtpsListeners, listenBacklog, maxConnections,
                maxConnectionsPerIp, exemptNetworks, idleTimeout, sessionTimeout, maxCommandLine,
                maxHeaderSize, plaintextAuthOnLoopback, submissionLimits, value);
    }

    private static void atLeast(int value, int min, String message) {
        if (value < min) throw new IllegalArgumentException(message);
    }

    private static void positive(Duration value, String message) {
        if (value.isNegative() || value.isZero()) throw new IllegalArgumentException(message);
    }
}
