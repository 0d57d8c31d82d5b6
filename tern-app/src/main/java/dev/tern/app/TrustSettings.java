package dev.tern.app;

import dev.tern.milter.MilterSettings;
import dev.tern.server.auth.InboundAuthSettings.DmarcEnforcement;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The keys of issue 9 (docs/trust.md, docs/config.md): how inbound mail is checked and filtered, whether
 * outbound mail is signed, and which outbound TLS policies apply.
 *
 * @param verify           {@code inbound.verify}: SPF, DKIM, DMARC and ARC for mail that arrives unauthenticated
 * @param dmarc            {@code inbound.dmarc}: {@code enforce} the domain's policy or only {@code record} it
 * @param authservId       {@code inbound.authserv_id}: the name in our Authentication-Results fields (the host name)
 * @param publicSuffixList {@code inbound.public_suffix_list}: a list file to use instead of the bundled copy
 * @param milters          {@code milter.filters}, with {@code milter.default_action} and the timeouts
 * @param dkimSign         {@code dkim.sign}: sign submitted mail, DSNs and forwarded mail with the keys in
 *                         {@code <data>/dkim}
 * @param mtaSts           {@code delivery.mta_sts}: honour MTA-STS policies (RFC 8461)
 * @param dane             {@code delivery.dane}: DANE for SMTP (RFC 7672) over DNSSEC-validated lookups
 * @param trustAnchor      {@code dns.trust_anchor}: DNSSEC trust anchors instead of the bundled IANA root keys
 * @param tlsRpt           {@code tls_rpt.enabled}: record outbound TLS outcomes and send daily TLS-RPT reports
 */
public record TrustSettings(boolean verify, DmarcEnforcement dmarc, Optional<String> authservId,
                            Optional<Path> publicSuffixList, List<MilterSettings> milters, boolean dkimSign,
                            boolean mtaSts, boolean dane, Optional<Path> trustAnchor, boolean tlsRpt) {
    public TrustSettings {
        if (dmarc == null || authservId == null || publicSuffixList == null || trustAnchor == null) {
            throw new IllegalArgumentException("trust settings need all their fields");
        }
        milters = List.copyOf(milters);
    }

    /** Everything on, as Postfix with OpenDKIM/OpenDMARC or mox would run: verify, enforce, sign, MTA-STS, DANE. */
    public static TrustSettings defaults() {
        return new TrustSettings(true, DmarcEnforcement.ENFORCE, Optional.empty(), Optional.empty(), List.of(), true,
                true, true, Optional.empty(), true);
    }
}
