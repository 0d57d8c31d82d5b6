package dev.tern.app.config;

import dev.tern.delivery.RemoteSettings;
import dev.tern.delivery.TlsRequirement;
import dev.tern.dns.DnsSettings;
import dev.tern.delivery.route.IpPreference;
import dev.tern.delivery.route.RouteTarget;
import dev.tern.mail.Domain;
import dev.tern.smtp.client.ClientAuth;
import dev.tern.smtp.client.TlsPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * The outbound keys (docs/outbound.md): under {@code delivery} the remote port, HELO name, TLS policy, address
 * family, relay host with its password file, and per-domain routes; under {@code dns} the resolvers. Read into
 * {@link RemoteSettings}; each value is checked where its key is read.
 */
final class OutboundSchema {
    private OutboundSchema() {}

    static RemoteSettings read(Section delivery, Section dns, String hostname) {
        RemoteSettings s = RemoteSettings.defaults().withHeloName(Domain.parse(hostname));
        s = delivery.with("remote_port", n -> ConfigValues.integer(n, 1, 65535), s, (r, v) -> r.withPort((int) (long) v));
        s = delivery.with("helo_name", ConfigValues::domain, s, RemoteSettings::withHeloName);
        s = delivery.with("tls", OutboundSchema::tlsPolicy, s, RemoteSettings::withTls);
        s = delivery.with("ip_preference", n -> IpPreference.parse(ConfigValues.string(n)), s,
                RemoteSettings::withIpPreference);
        // RFC 5321 §4.5.3.2: at least 5 minutes per command and 10 for the end of data; shorter is the operator's call.
        Duration connect = delivery.get("connect_timeout", ConfigValues::duration, s.connectTimeout());
        Duration command = delivery.get("command_timeout", ConfigValues::duration, s.commandTimeout());
        Duration data = delivery.get("data_timeout", ConfigValues::duration, s.dataTimeout());
        s = s.withTimeouts(connect, command, data);
        int maxConnections = delivery.get("max_connections", n -> ConfigValues.integer(n, 1), s.maxConnections());
        int perDestination = delivery.get("max_connections_per_destination", n -> ConfigValues.integer(n, 1),
                s.maxPerDestination());
        s = s.withConnectionLimits(maxConnections, perDestination);
        Optional<RouteTarget> relay = Optional.ofNullable(delivery.get("relay_host", OutboundSchema::target, null));
        Path passwordFile = delivery.get("relay_password_file", ConfigValues::path, null);
        ClientAuth auth = ClientAuth.NONE;
        if (passwordFile != null) {
            if (relay.isEmpty()) {
                delivery.error(delivery.keyOf("relay_password_file"), "needs delivery.relay_host");
            } else {
                auth = password(delivery, passwordFile);
            }
        }
        if (relay.isPresent()) s = s.withRelayHost(relay, auth);
        s = delivery.with("relay_tls", n -> TlsRequirement.parse(ConfigValues.string(n)), s, RemoteSettings::withRelayTls);
        Map<Domain, RouteTarget> table = domainMap(delivery.section("routes"), OutboundSchema::target);
        s = s.withRoutes(table);
        Map<Domain, TlsRequirement> policies = domainMap(delivery.section("tls_policies"),
                n -> TlsRequirement.parse(ConfigValues.string(n)));
        s = s.withTlsPolicies(policies);
        s = delivery.with("source_address", n -> java.net.InetAddress.ofLiteral(ConfigValues.string(n).strip()), s,
                (r, a) -> r.withSourceAddress(Optional.of(a)));
        List<java.net.InetSocketAddress> servers = dns.list("servers",
                n -> DnsSettings.parseServer(ConfigValues.string(n)), null);
        if (servers != null) s = s.withDns(s.dns().withServers(servers));
        dns.rejectUnknown();
        return s;
    }

    /** A mapping whose keys are domains, each value converted by {@code value}; bad entries reported, left out. */
    private static <T> Map<Domain, T> domainMap(Section section, java.util.function.Function<Node, T> value) {
        Map<Domain, T> map = new LinkedHashMap<>();
        for (Map.Entry<String, Node> entry : section.takeAll().entrySet()) {
            String key = section.keyOf(entry.getKey());
            Domain domain;
            try {
                domain = Domain.parse(entry.getKey());
            } catch (IllegalArgumentException e) {
                section.error(key, "not a domain name");
                continue;
            }
            T converted = section.convert(key, entry.getValue(), value, null);
            if (converted != null) map.put(domain, converted);
        }
        return map;
    }

    /** {@code opportunistic} (STARTTLS when offered, Postfix's {@code may}) or {@code required} ({@code encrypt}). */
    private static TlsPolicy tlsPolicy(Node node) {
        return switch (ConfigValues.string(node)) {
            case "opportunistic" -> TlsPolicy.OPPORTUNISTIC;
            case "required" -> TlsPolicy.REQUIRED;
            default -> throw new IllegalArgumentException("expected opportunistic or required");
        };
    }

    private static RouteTarget target(Node node) {
        return RouteTarget.parse(ConfigValues.string(node));
    }

    /**
     * The relay host's credentials, one line {@code username:password}, in a file only the server's user may
     * read (mode 0600 or 0400), so the password is never in the YAML nor readable by others.
     */
    private static ClientAuth password(Section delivery, Path file) {
        String key = delivery.keyOf("relay_password_file");
        try {
            Set<PosixFilePermission> modes = Files.getPosixFilePermissions(file);
            if (modes.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                delivery.error(key, "must be readable by its owner only (chmod 600 " + file + ")");
                return ClientAuth.NONE;
            }
            String line = Files.readString(file, StandardCharsets.UTF_8).strip();
            int colon = line.indexOf(':');
            if (colon <= 0 || colon == line.length() - 1) {
                delivery.error(key, "expected one line username:password");
                return ClientAuth.NONE;
            }
            return ClientAuth.plain(line.substring(0, colon), line.substring(colon + 1));
        } catch (IOException | UnsupportedOperationException e) {
            delivery.error(key, "cannot read " + file + ": " + e.getMessage());
            return ClientAuth.NONE;
        }
    }
}
