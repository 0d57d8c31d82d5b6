package dev.tern.delivery.route;

import dev.tern.mail.Domain;
import dev.tern.mail.EnhancedStatus;
import java.util.List;

/** Where mail for one destination goes (RFC 5321 §5.1), or why it goes nowhere. */
public sealed interface Route {
    /**
     * The hosts to try, in order: by MX preference, shuffled among equal preferences, each with its addresses.
     *
     * @param implicit no MX record existed and the domain's own addresses stand in (RFC 5321 §5.1 "implicit MX")
     */
    record Hosts(List<Host> hosts, boolean implicit) implements Route {
        public Hosts {
            hosts = List.copyOf(hosts);
            if (hosts.isEmpty()) throw new IllegalArgumentException("a route needs at least one host");
        }
    }

    /** No host to try; the status says whether that is permanent (5.x.x) or temporary (4.x.x). */
    sealed interface Failure extends Route {
        EnhancedStatus status();

        /** For the log and the DSN's diagnostic: generic, naming only the destination. */
        String reason();

        default boolean permanent() {
            return status().statusClass() == 5;
        }
    }

    /** The domain says it accepts no mail: MX 0 "." (RFC 7505 §4.2: 556 5.1.10). */
    record NullMx(Domain domain) implements Failure {
        public EnhancedStatus status() {
            return EnhancedStatus.of(5, 1, 10);
        }

        public String reason() {
            return domain + " accepts no mail (null MX)";
        }
    }

    /** NXDOMAIN for the domain (RFC 3463 X.1.2, bad destination system address). */
    record NoSuchDomain(Domain domain) implements Failure {
        public EnhancedStatus status() {
            return EnhancedStatus.of(5, 1, 2);
        }

        public String reason() {
            return "domain " + domain + " does not exist";
        }
    }

    /**
     * The domain exists but no mail host has an address: no MX and no A/AAAA, or every MX host is NXDOMAIN or has
     * no address (RFC 3463 X.4.4, unable to route; Postfix's "Host or domain name not found").
     */
    record NoMailHost(Domain domain) implements Failure {
        public EnhancedStatus status() {
            return EnhancedStatus.of(5, 4, 4);
        }

        public String reason() {
            return "no mail host for " + domain + " has an address";
        }
    }

    /** A DNS answer needed for the route did not come (timeout, SERVFAIL ...): try again later (RFC 3463 X.4.3). */
    record TempFail(String reason) implements Failure {
        public TempFail {
            if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a TempFail needs a reason");
        }

        public EnhancedStatus status() {
            return EnhancedStatus.of(4, 4, 3);
        }
    }

    /**
     * The best MX is this server, so the mail would come back here (RFC 5321 §5.1; RFC 3463 X.4.6; Postfix's "mail
     * for X loops back to myself").
     */
    record Loop(Domain domain) implements Failure {
        public EnhancedStatus status() {
            return EnhancedStatus.of(5, 4, 6);
        }

        public String reason() {
            return "mail for " + domain + " loops back to this server";
        }
    }
}
