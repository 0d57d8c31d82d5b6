package dev.tern.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The SMTP listeners' settings. Immutable; {@link #defaults()} serve {@code ./tern run} without a config file.
 *
 * @param smtpListeners       addresses to accept SMTP on (default 127.0.0.1:2525): STARTTLS offered, AUTH
 *                            offered only over TLS and never required
 * @param submissionListeners message submission, RFC 6409 (default 127.0.0.1:2587): STARTTLS, AUTH required
 * @param smtpsListeners      submission over implicit TLS, RFC 8314 §3.3 (default 127.0.0.1:2465): AUTH required
 * @param listenBacklog       the accept queue length (large, so bursts of connecting clients are not refused)
 * @param maxConnections      concurrent sessions in total; beyond it new clients get 421 4.7.0 and a close
 * @param maxConnectionsPerIp concurrent sessions per client address, except {@code exemptNetworks}
 * @param exemptNetworks      CIDR blocks free of the per-address limit (default: loopback, like Postfix's
 *                            mynetworks exemption for anvil limits)
 * @param idleTimeout         time to wait for a command or data (RFC 5321 §4.5.3.2.7: at least 5 minutes)
 * @param sessionTimeout      the longest a whole session may last
 * @param maxCommandLine      octets in a command line including CRLF (RFC 5321 §4.5.3.1.4: 512)
 * @param maxTextLine         octets in a line of message content including CRLF (RFC 5321 §4.5.3.1.6: 1000)
 * @param maxHeaderSize       octets in the message's header section
 * @param plaintextAuthOnLoopback AUTH offered without TLS to clients on a loopback address (default false:
 *                            passwords only ever travel encrypted, RFC 8314 §3)
 * @param submissionLimits    messages and recipients per hour per user and per client address, for submission
 *                            (issue #3); the per-address limits spare {@code exemptNetworks} too
 */
public record ServerSettings(List<InetSocketAddress> smtpListeners, List<InetSocketAddress> submissionListeners,
                             List<InetSocketAddress> smtpsListeners, int listenBacklog, int maxConnections,
                             int maxConnectionsPerIp, List<String> exemptNetworks, Duration idleTimeout,
                             Duration sessionTimeout, int maxCommandLine, int maxTextLine, int maxHeaderSize,
                             boolean plaintextAuthOnLoopback, SubmissionLimitSettings submissionLimits) {
    public static final List<InetSocketAddress> DEFAULT_SUBMISSION = List.of(new InetSocketAddress("127.0.0.1", 2587));
    public static final List<InetSocketAddress> DEFAULT_SMTPS = List.of(new InetSocketAddress("127.0.0.1", 2465));

    public ServerSettings {
        smtpListeners = List.copyOf(smtpListeners);
        submissionListeners = List.copyOf(submissionListeners);
        smtpsListeners = List.copyOf(smtpsListeners);
        exemptNetworks = List.copyOf(exemptNetworks);
        if (submissionLimits == null) throw new IllegalArgumentException("submissionLimits are required");
        if (listenBacklog < 1 || maxConnections < 1 || maxConnectionsPerIp < 1) {
            throw new IllegalArgumentException("connection limits must be positive");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero() || sessionTimeout.isNegative() || sessionTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (maxCommandLine < 512) throw new IllegalArgumentException("maxCommandLine must be at least 512 (RFC 5321 §4.5.3.1.4)");
        if (maxTextLine < 1000) throw new IllegalArgumentException("maxTextLine must be at least 1000 (RFC 5321 §4.5.3.1.6)");
        if (maxHeaderSize < 1024) throw new IllegalArgumentException("maxHeaderSize must be at least 1024");
    }

    /** As above, with the default submission limits. */
    public ServerSettings(List<InetSocketAddress> smtpListeners, List<InetSocketAddress> submissionListeners,
                          List<InetSocketAddress> smtpsListeners, int listenBacklog, int maxConnections,
                          int maxConnectionsPerIp, List<String> exemptNetworks, Duration idleTimeout,
                          Duration sessionTimeout, int maxCommandLine, int maxTextLine, int maxHeaderSize,
                          boolean plaintextAuthOnLoopback) {
        this(smtpListeners, submissionListeners, smtpsListeners, listenBacklog, maxConnections, maxConnectionsPerIp,
                exemptNetworks, idleTimeout, sessionTimeout, maxCommandLine, maxTextLine, maxHeaderSize,
                plaintextAuthOnLoopback, SubmissionLimitSettings.defaults());
    }

    /** The settings of issue #2: SMTP listeners only given; submission and SMTPS on their defaults, no plaintext AUTH. */
    public ServerSettings(List<InetSocketAddress> smtpListeners, int listenBacklog, int maxConnections,
                          int maxConnectionsPerIp, List<String> exemptNetworks, Duration idleTimeout,
                          Duration sessionTimeout, int maxCommandLine, int maxTextLine, int maxHeaderSize) {
        this(smtpListeners, DEFAULT_SUBMISSION, DEFAULT_SMTPS, listenBacklog, maxConnections, maxConnectionsPerIp,
                exemptNetworks, idleTimeout, sessionTimeout, maxCommandLine, maxTextLine, maxHeaderSize, false);
    }

    public static ServerSettings defaults() {
        return new ServerSettings(List.of(new InetSocketAddress("127.0.0.1", 2525)), 4096, 20_000, 50,
                List.of("127.0.0.0/8", "::1/128"), Duration.ofMinutes(5), Duration.ofMinutes(30), 512, 1000, 256 * 1024);
    }

    /** The same with other SMTP listeners; submission and SMTPS listeners stay as they are. */
    public ServerSettings withListeners(List<InetSocketAddress> listeners) {
        return withListeners(listeners, submissionListeners, smtpsListeners);
    }

    /** The same with other listeners of all three kinds (tests: {@code 127.0.0.1:0} each). */
    public ServerSettings withListeners(List<InetSocketAddress> smtp, List<InetSocketAddress> submission,
                                        List<InetSocketAddress> smtps) {
        return new ServerSettings(smtp, submission, smtps, listenBacklog, maxConnections, maxConnectionsPerIp,
                exemptNetworks, idleTimeout, sessionTimeout, maxCommandLine, maxTextLine, maxHeaderSize,
                plaintextAuthOnLoopback, submissionLimits);
    }

    /** The same with other hourly submission limits (tests: small ones). */
    public ServerSettings withSubmissionLimits(SubmissionLimitSettings limits) {
        return new ServerSettings(smtpListeners, submissionListeners, smtpsListeners, listenBacklog, maxConnections,
                maxConnectionsPerIp, exemptNetworks, idleTimeout, sessionTimeout, maxCommandLine, maxTextLine,
                maxHeaderSize, plaintextAuthOnLoopback, limits);
    }
}
