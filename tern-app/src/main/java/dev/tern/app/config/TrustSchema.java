package dev.tern.app.config;

import dev.tern.app.TrustSettings;
import dev.tern.milter.MilterSettings;
import dev.tern.server.auth.InboundAuthSettings.DmarcEnforcement;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The keys of issue 9: {@code inbound.*} (verification, DMARC enforcement, authserv-id, the Public Suffix List),
 * {@code milter.*} (filters, their default action and timeouts), {@code dkim.sign}, {@code delivery.mta_sts},
 * {@code delivery.dane}, {@code dns.trust_anchor} and {@code tls_rpt.enabled}. The {@code delivery} and
 * {@code dns} sections are read here only for these keys; their other keys belong to {@link OutboundSchema}.
 */
final class TrustSchema {
    private TrustSchema() {}

    static TrustSettings read(Section inbound, Section milter, Section dkim, Section delivery, Section dns,
                              Section tlsRpt) {
        TrustSettings d = TrustSettings.defaults();
        boolean verify = inbound.get("verify", ConfigValues::bool, d.verify());
        DmarcEnforcement dmarc = inbound.get("dmarc", n -> DmarcEnforcement.parse(ConfigValues.string(n)), d.dmarc());
        Optional<String> authservId = Optional.ofNullable(inbound.get("authserv_id", ConfigValues::hostname, null));
        Optional<Path> psl = Optional.ofNullable(inbound.get("public_suffix_list", ConfigValues::path, null));
        inbound.rejectUnknown();

        List<String> filters = milter.list("filters", ConfigValues::string, List.of());
        MilterSettings.DefaultAction action = milter.get("default_action", TrustSchema::defaultAction,
                MilterSettings.DefaultAction.TEMPFAIL);
        Duration connect = milter.get("connect_timeout", ConfigValues::duration, null);
        Duration command = milter.get("command_timeout", ConfigValues::duration, null);
        Duration content = milter.get("content_timeout", ConfigValues::duration, null);
        List<MilterSettings> milters = new ArrayList<>();
        for (int i = 0; i < filters.size(); i++) {
            String key = milter.keyOf("filters") + "[" + i + "]";
            try {
                MilterSettings s = MilterSettings.of("milter" + (i + 1), filters.get(i)).withDefaultAction(action);
                s = s.withTimeouts(connect == null ? s.connectTimeout() : connect,
                        command == null ? s.commandTimeout() : command, content == null ? s.contentTimeout() : content);
                milters.add(s);
            } catch (IllegalArgumentException e) {
                milter.error(key, e.getMessage());
            }
        }
        milter.rejectUnknown();

        boolean sign = dkim.get("sign", ConfigValues::bool, d.dkimSign());
        dkim.rejectUnknown();
        boolean mtaSts = delivery.get("mta_sts", ConfigValues::bool, d.mtaSts());
        boolean dane = delivery.get("dane", ConfigValues::bool, d.dane());
        Optional<Path> anchor = Optional.ofNullable(dns.get("trust_anchor", ConfigValues::path, null));
        boolean reports = tlsRpt.get("enabled", ConfigValues::bool, d.tlsRpt());
        tlsRpt.rejectUnknown();
        return new TrustSettings(verify, dmarc, authservId, psl, milters, sign, mtaSts, dane, anchor, reports);
    }

    private static MilterSettings.DefaultAction defaultAction(org.snakeyaml.engine.v2.nodes.Node node) {
        return switch (ConfigValues.string(node)) {
            case "tempfail" -> MilterSettings.DefaultAction.TEMPFAIL;
            case "accept" -> MilterSettings.DefaultAction.ACCEPT;
            default -> throw new IllegalArgumentException("expected tempfail or accept");
        };
    }
}
