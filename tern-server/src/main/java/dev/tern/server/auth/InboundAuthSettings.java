package dev.tern.server.auth;

import dev.tern.mailauth.dkim.DkimSigner;
import dev.tern.milter.MilterClient;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the content checks of issue 9 run (docs/trust.md).
 *
 * @param authservId the name in our {@code Authentication-Results:} fields (RFC 8601 §2.5): the host name
 * @param verify     check SPF, DKIM, DMARC and ARC on mail that arrives unauthenticated
 * @param dmarc      what a DMARC {@code fail} does
 * @param signers    DKIM signers by domain (lower case): submitted mail whose From: is at such a domain, or at a
 *                   subdomain of one, is signed
 * @param milters    mail filters asked in order, for every message (Postfix's {@code smtpd_milters})
 */
public record InboundAuthSettings(String authservId, boolean verify, DmarcEnforcement dmarc,
                                  Map<String, DkimSigner> signers, List<MilterClient> milters) {
    public InboundAuthSettings {
        if (authservId == null || authservId.isBlank() || dmarc == null) {
            throw new IllegalArgumentException("an authserv-id and a DMARC setting are required");
        }
        signers = Map.copyOf(signers);
        milters = List.copyOf(milters);
    }

    /** What a DMARC {@code fail} does (RFC 7489 §6.6.4 leaves the final say to the receiver). */
    public enum DmarcEnforcement {
        /** The domain's policy: {@code reject} refuses at the end of DATA (550 5.7.1), {@code quarantine} files
         * the message into the Junk folder. */
        ENFORCE,
        /** Only the {@code Authentication-Results:} field records the result. */
        RECORD;

        public static DmarcEnforcement parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "enforce" -> ENFORCE;
                case "record" -> RECORD;
                default -> throw new IllegalArgumentException("expected enforce or record");
            };
        }
    }
}
