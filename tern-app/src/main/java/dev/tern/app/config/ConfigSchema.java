package dev.tern.app.config;

import dev.tern.app.TernConfig;
import dev.tern.delivery.DeliverySettings;
import dev.tern.directory.DirectorySettings;
import dev.tern.server.ServerSettings;
import dev.tern.server.SubmissionLimitSettings;
import dev.tern.server.tls.TlsSettings;
import dev.tern.smtp.SessionSettings;
import dev.tern.spool.SpoolSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * The keys of the config file (documented in {@code docs/config.md}) and the settings field each one fills.
 * Every key is optional; an absent key keeps the module's built-in default.
 *
 * <p>Values are converted first, key by key, so one pass reports every mistake. Only a file with no such
 * mistakes is turned into settings records; a record's own validation message is then reported under the
 * config key of the field it names.
 */
final class ConfigSchema {
    private static final Map<String, String> SERVER_KEYS = Map.of(
            "smtpListeners", "smtp.listen", "listenBacklog", "smtp.backlog",
            "maxConnections", "limits.max_connections", "maxConnectionsPerIp", "limits.max_connections_per_ip",
            "exemptNetworks", "limits.exempt_networks", "idleTimeout", "limits.idle_timeout",
            "sessionTimeout", "limits.session_timeout", "maxCommandLine", "limits.max_command_line",
            "maxTextLine", "limits.max_text_line", "maxHeaderSize", "limits.max_header_size");
    private static final Map<String, String> SUBMISSION_KEYS = Map.of(
            "maxMessagesPerUser", "submission.max_messages_per_hour_per_user",
            "maxRecipientsPerUser", "submission.max_recipients_per_hour_per_user",
            "maxMessagesPerIp", "submission.max_messages_per_hour_per_ip",
            "maxRecipientsPerIp", "submission.max_recipients_per_hour_per_ip");
    private static final Map<String, String> SESSION_KEYS = Map.of(
            "hostname", "hostname", "maxMessageSize", "limits.max_message_size",
            "maxRecipients", "limits.max_recipients", "maxMessages", "limits.max_messages_per_session",
            "maxErrors", "limits.max_errors", "maxReceivedHeaders", "limits.max_hops",
            "vrfyEnabled", "vrfy", "expnEnabled", "expn");
    private static final Map<String, String> DELIVERY_KEYS = Map.of(
            "hostname", "hostname", "concurrency", "delivery.concurrency", "firstRetry", "delivery.first_retry",
            "maxRetry", "delivery.max_retry", "maxQueueTime", "delivery.max_queue_time");
    private static final Map<String, String> DIRECTORY_KEYS = Map.of(
            "domains", "domains", "users", "users", "aliases", "aliases", "lists", "lists",
            "subaddressSeparator", "subaddress_separator");

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
        Section auth = top.section("auth");
        boolean plaintextAuth = auth.get("plaintext_on_loopback", ConfigValues::bool,
                defaults.server().plaintextAuthOnLoopback());
        auth.rejectUnknown();
        Supplier<ServerSettings> server = readServer(top.section("smtp"), submission, top.section("smtps"), limits,
                plaintextAuth);
        TlsSettings tls = readTls(top.section("tls"));
        Supplier<SessionSettings> session = readSession(limits, hostname, vrfy, expn);
        limits.rejectUnknown();
        Supplier<DeliverySettings> delivery = readDelivery(top.section("delivery"), hostname);
        Supplier<DirectorySettings> directory = DirectorySchema.read(top);
        SpoolSettings spool = readSpool(top.section("spool"));
        top.rejectUnknown();
        if (!errors.isEmpty()) return new ConfigResult.Invalid(errors);

        Map<String, String> serverKeys = new HashMap<>(SERVER_KEYS);
        serverKeys.putAll(SUBMISSION_KEYS);
        ServerSettings serverSettings = build(server, serverKeys, "limits");
        DeliverySettings deliverySettings = build(delivery, DELIVERY_KEYS, "delivery");
        SessionSettings sessionSettings = build(session, SESSION_KEYS, "limits");
        DirectorySettings directorySettings = build(directory, DIRECTORY_KEYS, "");
        if (!errors.isEmpty()) return new ConfigResult.Invalid(errors);
        return new ConfigResult.Loaded(new TernConfig(dataDirectory, serverSettings, sessionSettings, directorySettings,
                spool, deliverySettings, tls, checkSender));
    }

    /**
     * Reads {@code smtp}, {@code submission} (its listeners and hourly limits) and {@code smtps}, and the
     * connection and line limits of {@code limits}. An empty {@code listen} list turns a kind of listener off (SMTP must have one).
     */
    private Supplier<ServerSettings> readServer(Section smtp, Section submission, Section smtps, Section limits,
                                                boolean plaintextAuth) {
        ServerSettings d = defaults.server();
        List<InetSocketAddress> listen = smtp.list("listen", ConfigValues::listenAddress, d.smtpListeners());
        checkDistinct(smtp.keyOf("listen"), listen, "address");
        int backlog = smtp.get("backlog", n -> ConfigValues.integer(n, 1), d.listenBacklog());
        smtp.rejectUnknown();
        List<InetSocketAddress> submissionListen = submission.list("listen", ConfigValues::listenAddress,
                d.submissionListeners());
        SubmissionLimitSettings s = d.submissionLimits();
        int messagesPerUser = submission.get("max_messages_per_hour_per_user", n -> ConfigValues.integer(n, 1),
                s.maxMessagesPerUser());
        int recipientsPerUser = submission.get("max_recipients_per_hour_per_user", n -> ConfigValues.integer(n, 1),
                s.maxRecipientsPerUser());
        int messagesPerIp = submission.get("max_messages_per_hour_per_ip", n -> ConfigValues.integer(n, 1),
                s.maxMessagesPerIp());
        int recipientsPerIp = submission.get("max_recipients_per_hour_per_ip", n -> ConfigValues.integer(n, 1),
                s.maxRecipientsPerIp());
        submission.rejectUnknown();
        List<InetSocketAddress> smtpsListen = smtps.list("listen", ConfigValues::listenAddress, d.smtpsListeners());
        smtps.rejectUnknown();
        List<InetSocketAddress> all = new ArrayList<>(listen);
        all.addAll(submissionListen);
        all.addAll(smtpsListen);
        if (new HashSet<>(all).size() != all.size()) {
            errors.add(new ConfigError("submission.listen", "an address is used by more than one listener"));
        }

        int maxConnections = limits.get("max_connections", n -> ConfigValues.integer(n, 1), d.maxConnections());
        int perIp = limits.get("max_connections_per_ip", n -> ConfigValues.integer(n, 1), d.maxConnectionsPerIp());
        List<String> exempt = limits.list("exempt_networks", ConfigValues::network, d.exemptNetworks());
        Duration idle = limits.get("idle_timeout", ConfigValues::duration, d.idleTimeout());
        Duration sessionTimeout = limits.get("session_timeout", ConfigValues::duration, d.sessionTimeout());
        int commandLine = limits.get("max_command_line", n -> ConfigValues.integer(n, 1), d.maxCommandLine());
        int textLine = limits.get("max_text_line", n -> ConfigValues.integer(n, 1), d.maxTextLine());
        int headerSize = limits.get("max_header_size", n -> (int) ConfigValues.size(n, 1, Integer.MAX_VALUE),
                d.maxHeaderSize());
        return () -> new ServerSettings(listen, submissionListen, smtpsListen, backlog, maxConnections, perIp, exempt,
                idle, sessionTimeout, commandLine, textLine, headerSize, plaintextAuth,
                new SubmissionLimitSettings(messagesPerUser, recipientsPerUser, messagesPerIp, recipientsPerIp,
                        s.maxTrackedKeys()));
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

    /** Reads the per-session limits of {@code limits}. */
    private Supplier<SessionSettings> readSession(Section limits, String hostname, boolean vrfy, boolean expn) {
        SessionSettings s = defaults.session();
        long messageSize = limits.get("max_message_size", n -> ConfigValues.size(n, 1, Long.MAX_VALUE),
                s.maxMessageSize());
        int recipients = limits.get("max_recipients", n -> ConfigValues.integer(n, 1), s.maxRecipients());
        int messages = limits.get("max_messages_per_session", n -> ConfigValues.integer(n, 1), s.maxMessages());
        int maxErrors = limits.get("max_errors", n -> ConfigValues.integer(n, 1), s.maxErrors());
        int hops = limits.get("max_hops", n -> ConfigValues.integer(n, 1), s.maxReceivedHeaders());
        return () -> new SessionSettings(hostname, messageSize, recipients, messages, maxErrors, hops, vrfy, expn);
    }

    /** Reads {@code spool.min_free}; checked here (a size, 0 or more), so the record's own check cannot fail. */
    private SpoolSettings readSpool(Section section) {
        SpoolSettings d = defaults.spool();
        long minFree = section.get("min_free", n -> ConfigValues.size(n, 0, Long.MAX_VALUE), d.minFreeBytes());
        section.rejectUnknown();
        return d.withMinFreeBytes(minFree);
    }

    private Supplier<DeliverySettings> readDelivery(Section section, String hostname) {
        DeliverySettings d = defaults.delivery();
        int concurrency = section.get("concurrency", n -> ConfigValues.integer(n, 1), d.concurrency());
        Duration firstRetry = section.get("first_retry", ConfigValues::duration, d.firstRetry());
        Duration maxRetry = section.get("max_retry", ConfigValues::duration, d.maxRetry());
        Duration maxQueueTime = section.get("max_queue_time", ConfigValues::duration, d.maxQueueTime());
        section.rejectUnknown();
        return () -> new DeliverySettings(hostname, concurrency, firstRetry, maxRetry, maxQueueTime);
    }

    private void checkDistinct(String key, List<?> values, String what) {
        Set<Object> seen = new HashSet<>();
        if (values.isEmpty()) errors.add(new ConfigError(key, "expected at least one " + what));
        for (int i = 0; i < values.size(); i++) {
            if (!seen.add(values.get(i))) errors.add(new ConfigError(key + "[" + i + "]", what + " listed twice"));
        }
    }

    /**
     * Calls a settings record's constructor; its validation message is reported under the config key of the
     * first field the message names, or under {@code fallbackKey}.
     */
    private <T> T build(Supplier<T> constructor, Map<String, String> fieldKeys, String fallbackKey) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            String reason = e.getMessage() == null ? "invalid value" : e.getMessage();
            String key = fallbackKey;
            int first = Integer.MAX_VALUE;
            for (Map.Entry<String, String> field : fieldKeys.entrySet()) {
                var m = Pattern.compile("\\b" + field.getKey() + "\\b").matcher(reason);
                if (m.find() && m.start() < first) {
                    first = m.start();
                    key = field.getValue();
                }
            }
            errors.add(new ConfigError(key, reason));
            return null;
        }
    }
}
