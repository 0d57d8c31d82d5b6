package dev.tern.app.config;

import dev.tern.app.TernConfig;
import dev.tern.app.TrustSettings;
import dev.tern.server.DnsblSettings;
import dev.tern.auth.AuthSettings;
import dev.tern.delivery.DeliverySettings;
import dev.tern.delivery.RemoteSettings;
import dev.tern.directory.DirectorySettings;
import dev.tern.server.ServerSettings;
import dev.tern.server.SubmissionLimitSettings;
import dev.tern.tls.TlsSettings;
import dev.tern.smtp.SessionSettings;
import dev.tern.spool.SpoolSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * The keys of the config file (documented in {@code docs/config.md}) and the settings field each one fills.
 * Every key is optional; an absent key keeps the module's built-in default.
 *
 * <p>Each key is checked where it is read, so a mistake is reported under the key that holds it and one pass
 * reports every mistake: a value is converted (and held to its bounds) on its own, and a value of
 * {@link ServerSettings} is applied with the record's {@code withX} copy, whose refusal belongs to that key. A
 * check that spans keys names the key given in the file. Only a file with no mistakes is turned into settings
 * records. To add a key: read it in the section's method below, with its bounds, and pass it on.
 */
final class ConfigSchema {
    private final List<ConfigError> errors = new ArrayList<>();
    private final TernConfig defaults = TernConfig.defaults();

    private ConfigSchema() {}

    /** Reads a composed YAML document; empty (a file of only comments) means every default. */
    static ConfigResult read(Optional<Node> document) {
        return new ConfigSchema().readDocument(document);
    }

    private ConfigResult readDocument(Optional<Node> document) {
        Section top = Section.of("", document, errors);
        String hostname = top.get("hostname", ConfigValues::hostname, defaults.session().hostname());
        Path dataDirectory = top.get("data_dir", ConfigValues::path, defaults.dataDirectory());
        boolean vrfy = top.get("vrfy", ConfigValues::bool, defaults.session().vrfyEnabled());
        boolean expn = top.get("expn", ConfigValues::bool, defaults.session().expnEnabled());
        Section limits = top.section("limits");
        Section submission = top.section("submission");
        boolean checkSender = submission.get("check_sender", ConfigValues::bool, true);
        Section smtp = top.section("smtp");
        DnsblSettings dnsbl = smtp.with("dnsbl", n -> smtp.listOf(smtp.keyOf("dnsbl"), n, ConfigValues::string, List.of()),
                DnsblSettings.defaults(), DnsblSettings::withZones);
        ServerSettings server = readServer(smtp, submission, top.section("smtps"), limits);
        Section auth = top.section("auth");
        server = auth.with("plaintext_on_loopback", ConfigValues::bool, server,
                ServerSettings::withPlaintextAuthOnLoopback);
        AuthSettings authSettings = AuthSchema.read(auth, defaults.auth());
        auth.rejectUnknown();
        Section tlsSection = top.section("tls");
        dev.tern.app.AcmeSettings acme = AcmeSchema.read(tlsSection.section("acme"));
        TlsSettings tls = readTls(tlsSection);
        Supplier<SessionSettings> session = readSession(limits, hostname, vrfy, expn);
        limits.rejectUnknown();
        Section deliverySection = top.section("delivery");
        Section dns = top.section("dns");
        TrustSettings trust = TrustSchema.read(top.section("inbound"), top.section("milter"), top.section("dkim"),
                deliverySection, dns, top.section("tls_rpt"));
        RemoteSettings remote = OutboundSchema.read(deliverySection, dns, hostname);
        Supplier<DeliverySettings> delivery = readDelivery(deliverySection);
        Supplier<DirectorySettings> directory = DirectorySchema.read(top);
        SpoolSettings spool = readSpool(top.section("spool"));
        List<InetSocketAddress> smtpAddresses = new ArrayList<>(server.smtpListeners());
        smtpAddresses.addAll(server.submissionListeners());
        smtpAddresses.addAll(server.smtpsListeners());
        ReaderSchema.Readers readers = ReaderSchema.read(top.section("imap"), top.section("imaps"), top.section("pop3"),
                top.section("pop3s"), server.plaintextAuthOnLoopback(), smtpAddresses, errors);
        Section webSection = top.section("web");
        dev.tern.app.web.WebSettings web = WebSchema.read(webSection);
        WebSchema.finish(webSection);
        top.rejectUnknown();
        if (!errors.isEmpty()) return new ConfigResult.Invalid(errors);

        SessionSettings sessionSettings = build(session, "limits");
        DeliverySettings deliverySettings = build(delivery, "delivery");
        DirectorySettings directorySettings = build(directory, "");
        if (!errors.isEmpty()) return new ConfigResult.Invalid(errors);
        return new ConfigResult.Loaded(new TernConfig(dataDirectory, server, sessionSettings, directorySettings,
                spool, deliverySettings, tls, checkSender, authSettings, remote, readers.imap(), readers.pop3(), dnsbl,
                trust, web, acme));
    }

    /**
     * Reads {@code smtp}, {@code submission} (its listeners and hourly limits) and {@code smtps}, and the
     * connection and line limits of {@code limits}. An empty {@code listen} list turns a kind of listener off (SMTP must have one).
     */
    private ServerSettings readServer(Section smtp, Section submission, Section smtps, Section limits) {
        ServerSettings s = defaults.server();
        s = smtp.withList("listen", ConfigValues::listenAddress, s, ServerSettings::withSmtpListeners);
        checkDistinct(smtp.keyOf("listen"), s.smtpListeners(), "address");
        s = smtp.with("backlog", n -> ConfigValues.integer(n, 1), s, ServerSettings::withListenBacklog);
        s = smtp.withList("relay_networks", ConfigValues::network, s, ServerSettings::withRelayNetworks);
        smtp.rejectUnknown();
        s = submission.withList("listen", ConfigValues::listenAddress, s, ServerSettings::withSubmissionListeners);
        s = s.withSubmissionLimits(readSubmissionLimits(submission, s.submissionLimits()));
        submission.rejectUnknown();
        s = smtps.withList("listen", ConfigValues::listenAddress, s, ServerSettings::withSmtpsListeners);
        smtps.rejectUnknown();
        List<InetSocketAddress> all = new ArrayList<>(s.smtpListeners());
        all.addAll(s.submissionListeners());
        all.addAll(s.smtpsListeners());
        if (new HashSet<>(all).size() != all.size()) {
            errors.add(new ConfigError("submission.listen", "an address is used by more than one listener"));
        }

        s = limits.with("max_connections", n -> ConfigValues.integer(n, 1), s, ServerSettings::withMaxConnections);
        s = limits.with("max_connections_per_ip", n -> ConfigValues.integer(n, 1), s,
                ServerSettings::withMaxConnectionsPerIp);
        s = limits.withList("exempt_networks", ConfigValues::network, s, ServerSettings::withExemptNetworks);
        s = limits.with("idle_timeout", ConfigValues::duration, s, ServerSettings::withIdleTimeout);
        s = limits.with("session_timeout", ConfigValues::duration, s, ServerSettings::withSessionTimeout);
        s = limits.with("max_command_line", n -> ConfigValues.integer(n, 1), s, ServerSettings::withMaxCommandLine);
        s = limits.with("max_header_size", n -> (int) ConfigValues.size(n, 1, Integer.MAX_VALUE), s,
                ServerSettings::withMaxHeaderSize);
        return s;
    }

    /** The four hourly limits of {@code submission}; each is a whole number of at least 1. */
    private SubmissionLimitSettings readSubmissionLimits(Section submission, SubmissionLimitSettings d) {
        int messagesPerUser = submission.get("max_messages_per_hour_per_user", n -> ConfigValues.integer(n, 1),
                d.maxMessagesPerUser());
        int recipientsPerUser = submission.get("max_recipients_per_hour_per_user", n -> ConfigValues.integer(n, 1),
                d.maxRecipientsPerUser());
        int messagesPerIp = submission.get("max_messages_per_hour_per_ip", n -> ConfigValues.integer(n, 1),
                d.maxMessagesPerIp());
        int recipientsPerIp = submission.get("max_recipients_per_hour_per_ip", n -> ConfigValues.integer(n, 1),
                d.maxRecipientsPerIp());
        return new SubmissionLimitSettings(messagesPerUser, recipientsPerUser, messagesPerIp, recipientsPerIp,
                d.maxTrackedKeys());
    }

    /** Reads {@code tls.certificates}: a list of {@code {fullchain, private_key}} PEM file pairs. */
    private TlsSettings readTls(Section tls) {
        String key = tls.keyOf("certificates");
        Optional<Node> node = tls.take("certificates");
        tls.rejectUnknown();
        if (node.isEmpty()) return TlsSettings.defaults();
        if (!(node.get() instanceof SequenceNode sequence)) {
            errors.add(new ConfigError(key, "expected a list of {fullchain, private_key}"));
            return TlsSettings.defaults();
        }
        List<TlsSettings.CertificateFiles> files = new ArrayList<>();
        for (int i = 0; i < sequence.getValue().size(); i++) {
            Section item = Section.of(key + "[" + i + "]", Optional.of(sequence.getValue().get(i)), errors);
            Path fullchain = item.get("fullchain", ConfigValues::path, null);
            Path privateKey = item.get("private_key", ConfigValues::path, null);
            item.rejectUnknown();
            if (fullchain == null) errors.add(new ConfigError(item.keyOf("fullchain"), "required"));
            if (privateKey == null) errors.add(new ConfigError(item.keyOf("private_key"), "required"));
            if (fullchain != null && privateKey != null) files.add(new TlsSettings.CertificateFiles(fullchain, privateKey));
        }
        return new TlsSettings(files);
    }

    /**
     * Reads the per-session limits of {@code limits}, each held here to the bound {@link SessionSettings}
     * enforces (the loader test has a row at each bound).
     */
    private Supplier<SessionSettings> readSession(Section limits, String hostname, boolean vrfy, boolean expn) {
        SessionSettings s = defaults.session();
        long messageSize = limits.get("max_message_size", n -> ConfigValues.size(n, 1024, Long.MAX_VALUE),
                s.maxMessageSize());
        // RFC 5321 §4.5.3.1.8: a server accepts at least 100 recipients.
        int recipients = limits.get("max_recipients", n -> ConfigValues.integer(n, 100), s.maxRecipients());
        int messages = limits.get("max_messages_per_session", n -> ConfigValues.integer(n, 1), s.maxMessages());
        int maxErrors = limits.get("max_errors", n -> ConfigValues.integer(n, 1), s.maxErrors());
        int hops = limits.get("max_hops", n -> ConfigValues.integer(n, 1), s.maxReceivedHeaders());
        // RFC 5321 §4.5.3.1.6: a text line of 1000 octets with its CRLF, in DATA and BDAT alike.
        int textLine = limits.get("max_text_line", n -> ConfigValues.integer(n, 1000), s.maxTextLine());
        return () -> new SessionSettings(hostname, messageSize, recipients, messages, maxErrors, hops, vrfy, expn,
                textLine);
    }

    /** Reads {@code spool.min_free}; checked here (a size, 0 or more), so the record's own check cannot fail. */
    private SpoolSettings readSpool(Section section) {
        SpoolSettings d = defaults.spool();
        long minFree = section.get("min_free", n -> ConfigValues.size(n, 0, Long.MAX_VALUE), d.minFreeBytes());
        section.rejectUnknown();
        return d.withMinFreeBytes(minFree);
    }

    /**
     * Reads {@code delivery}. The retry delays must be ordered (first retry, longest retry, queue lifetime); when
     * they are not, the mistake is reported under the key given in the file, the later one when both are.
     */
    private Supplier<DeliverySettings> readDelivery(Section section) {
        DeliverySettings d = defaults.delivery();
        int concurrency = section.get("concurrency", n -> ConfigValues.integer(n, 1), d.concurrency());
        // RFC 3464 "delayed": one warning per message after this long; 0 turns them off.
        Duration delayWarning = section.get("delay_warning",
                n -> n instanceof org.snakeyaml.engine.v2.nodes.ScalarNode scalar && "0".equals(scalar.getValue())
                        ? Duration.ZERO : ConfigValues.duration(n), d.delayWarning());
        Optional<Duration> firstRetry = Optional.ofNullable(section.get("first_retry", ConfigValues::duration, null));
        Optional<Duration> maxRetry = Optional.ofNullable(section.get("max_retry", ConfigValues::duration, null));
        Optional<Duration> maxQueueTime = Optional.ofNullable(
                section.get("max_queue_time", ConfigValues::duration, null));
        Duration first = firstRetry.orElse(d.firstRetry());
        Duration max = maxRetry.orElse(d.maxRetry());
        Duration queue = maxQueueTime.orElse(d.maxQueueTime());
        notShorter(section.keyOf("max_retry"), maxRetry.isPresent(), max, section.keyOf("first_retry"),
                firstRetry.isPresent(), first);
        notShorter(section.keyOf("max_queue_time"), maxQueueTime.isPresent(), queue, section.keyOf("max_retry"),
                maxRetry.isPresent(), max);
        section.rejectUnknown();
        return () -> new DeliverySettings(concurrency, first, max, queue, delayWarning);
    }

    /** {@code longer} must not be shorter than {@code shorter}; reported under the key given in the file. */
    private void notShorter(String longerKey, boolean longerGiven, Duration longer, String shorterKey,
                            boolean shorterGiven, Duration shorter) {
        if (longer.compareTo(shorter) >= 0 || !(longerGiven || shorterGiven)) return;
        if (longerGiven) {
            errors.add(new ConfigError(longerKey, "must not be shorter than " + shorterKey));
        } else {
            errors.add(new ConfigError(shorterKey, "must not be longer than " + longerKey));
        }
    }

    private void checkDistinct(String key, List<?> values, String what) {
        Set<Object> seen = new HashSet<>();
        if (values.isEmpty()) errors.add(new ConfigError(key, "expected at least one " + what));
        for (int i = 0; i < values.size(); i++) {
            if (!seen.add(values.get(i))) errors.add(new ConfigError(key + "[" + i + "]", what + " listed twice"));
        }
    }

    /**
     * Calls a settings record's constructor once every key has been checked on its own. A record that still
     * refuses means a bound is missing from this schema: reported under the section's key, never guessed.
     */
    private <T> T build(Supplier<T> constructor, String sectionKey) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            errors.add(new ConfigError(sectionKey, e.getMessage() == null ? "invalid value" : e.getMessage()));
            return null;
        }
    }
}
