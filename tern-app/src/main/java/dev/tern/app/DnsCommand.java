package dev.tern.app;

import dev.tern.mail.Domain;
import dev.tern.mailauth.dkim.DkimKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tern dns DOMAIN --mx HOST}: the DNS records that make mail from and to {@code DOMAIN} trusted
 * (docs/trust.md): MX, SPF (RFC 7208), the DKIM keys' records from {@code <data>/dkim} (RFC 6376), DMARC
 * (RFC 7489), MTA-STS (RFC 8461) with the policy file to serve, TLS-RPT (RFC 8460), and the autoconfig CNAMEs and
 * RFC 6186 / RFC 8314 SRV records mail programs use to find their settings. Prints zone-file lines;
 * changes nothing. Exit codes: 0 printed, 1 failed, 2 wrong command line or config file.
 */
@Command(name = "dns", mixinStandardHelpOptions = true,
        description = "Print the DNS records (MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT, autoconfig, SRV) to publish for a domain.")
final class DnsCommand implements Callable<Integer> {
    private static final DateTimeFormatter STS_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Mixin
    UserCommand.Location location;

    @Parameters(paramLabel = "DOMAIN", description = "the mail domain, e.g. example.com")
    String domain;

    @Option(names = "--mx", paramLabel = "HOST", required = true,
            description = "the host name of this server, as its certificate names it, e.g. mx.example.com")
    String mx;

    @Option(names = "--reports", paramLabel = "ADDRESS",
            description = "where DMARC and TLS-RPT reports go (default: postmaster@DOMAIN)")
    String reports;

    private final Clock clock;

    DnsCommand() {
        this(Clock.systemUTC());
    }

    DnsCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Domain mail;
        Domain host;
        try {
            mail = Domain.parse(domain);
            host = Domain.parse(mx);
            if (mail.isLiteral() || host.isLiteral()) throw new IllegalArgumentException("names, not address literals");
        } catch (IllegalArgumentException e) {
            err.println("tern: " + e.getMessage());
            return 2;
        }
        Path data = location.dataDirectory();
        if (data == null) return 2;
        String d = mail.name();
        String h = host.name();
        String rua = "mailto:" + (reports != null ? reports : "postmaster@" + d);
        List<DkimKeys.Key> keys;
        try {
            keys = DkimKeys.list(data.resolve("dkim")).stream().filter(k -> k.domain().equals(d) && k.active()).toList();
        } catch (IOException e) {
            err.println("tern: " + e.getMessage());
            return 1;
        }
        out.println("; DNS records for " + d + " (tern dns). Publish them in the zone of " + d + ".");
        out.println("; Mail for " + d + " goes to " + h + " (and " + h + " needs its A/AAAA records):");
        out.println(d + ". IN MX 10 " + h + ".");
        out.println("; SPF (RFC 7208): only the domain's MX hosts send its mail.");
        out.println(d + ". IN TXT \"v=spf1 mx -all\"");
        out.println("; DKIM (RFC 6376, RFC 8463): the active keys in " + data.resolve("dkim") + ".");
        if (keys.isEmpty()) {
            out.println("; (none yet: run `tern dkim keygen " + d + "`, then this command again)");
        }
        for (DkimKeys.Key key : keys) out.println(key.dnsRecord());
        out.println("; DMARC (RFC 7489): receivers quarantine mail that fails both SPF and DKIM alignment.");
        out.println("_dmarc." + d + ". IN TXT \"v=DMARC1; p=quarantine; rua=" + rua + "\"");
        out.println("; MTA-STS (RFC 8461): senders insist on verified TLS to " + h + "; change id= whenever the policy");
        out.println("; changes.");
        out.println("_mta-sts." + d + ". IN TXT \"v=STSv1; id=" + STS_ID.format(clock.instant()) + "\"");
        out.println("; TLS-RPT (RFC 8460): senders report TLS failures on the way to " + d + ".");
        out.println("_smtp._tls." + d + ". IN TXT \"v=TLSRPTv1; rua=" + rua + "\"");
        out.println("; And serve this file at https://mta-sts." + d + "/.well-known/mta-sts.txt (text/plain, a");
        out.println("; certificate valid for mta-sts." + d + "); after a week without TLS-RPT failures, mode: enforce.");
        for (String line : List.of("version: STSv1", "mode: testing", "mx: " + h, "max_age: 604800")) {
            out.println(";   " + line);
        }
        printClientRecords(out, d, h);
        return 0;
    }

    /**
     * What mail programs look up to configure themselves from an address (docs/autoconfig.md): the autoconfig and
     * autodiscover host names, and the RFC 6186 / RFC 8314 service records (priority 0 for implicit TLS, preferred;
     * weight 1 for the STARTTLS ports) plus Outlook's {@code _autodiscover._tcp}.
     */
    private static void printClientRecords(PrintWriter out, String d, String h) {
        out.println("; Client autoconfiguration (Thunderbird, K-9, Outlook): their documents are served by " + h + ".");
        out.println("autoconfig." + d + ". IN CNAME " + h + ".");
        out.println("autodiscover." + d + ". IN CNAME " + h + ".");
        out.println("; Service records (RFC 6186, RFC 8314: implicit TLS preferred, priority 0 before 10).");
        record Srv(String service, int priority, int port) {}
        for (Srv srv : List.of(new Srv("_submissions", 0, 465), new Srv("_submission", 10, 587),
                new Srv("_imaps", 0, 993), new Srv("_imap", 10, 143), new Srv("_pop3s", 0, 995),
                new Srv("_pop3", 10, 110), new Srv("_autodiscover", 0, 443))) {
            out.println(srv.service() + "._tcp." + d + ". IN SRV " + srv.priority() + " 1 " + srv.port() + " " + h + ".");
        }
    }
}
