package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.dns.DnsSettings;
import dev.tern.dns.DnsjavaResolver;
import dev.tern.mailauth.HeaderField;
import dev.tern.mailauth.HeaderSection;
import dev.tern.mailauth.dkim.DkimKeys;
import dev.tern.mailauth.dkim.DkimResult;
import dev.tern.mailauth.dkim.DkimSigner;
import dev.tern.mailauth.dkim.DkimVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end over real DNS on loopback: the records {@code tern dkim keygen} prints, published as printed (the
 * RSA one as several character-strings), verify Tern's signatures; SERVFAIL and a missing record give the
 * temporary and permanent errors.
 */
class DkimDnsTest {
    private static final String HEADERS = "From: alice@example.com\r\nTo: bob@example.net\r\nSubject: hi\r\n";
    private static final byte[] BODY = "Hello.\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void printedRecordsVerifyOverDns() throws Exception {
        List<DkimKeys.Key> keys = DkimKeys.generate(dir, "example.com", "t1");
        try (TestDns dns = TestDns.start()) {
            for (DkimKeys.Key k : keys) publish(dns, k.dnsRecord());
            dns.servfail("broken._domainkey.example.com");
            DkimSigner signer = DkimKeys.signers(dir, Clock.systemUTC()).get("example.com");
            List<HeaderField> headers = HeaderSection.parse(HEADERS.getBytes(StandardCharsets.US_ASCII));
            List<String> sigs = signer.sign(headers, BODY);
            String message = String.join("", sigs) + HEADERS;
            // two copies with selectors that fail in DNS: SERVFAIL, and no record at all
            message += sigs.getFirst().replace("s=t1-ed25519", "s=broken") + sigs.getFirst()
                    .replace("s=t1-ed25519", "s=absent");
            List<HeaderField> all = HeaderSection.parse(message.getBytes(StandardCharsets.US_ASCII));
            DkimVerifier verifier = new DkimVerifier(new DnsjavaResolver(DnsSettings.defaults()
                    .withServers(List.of(dns.address()))), Clock.systemUTC(), Duration.ofSeconds(30));
            assertThat(verifier.verify(all, BODY)).extracting(DkimResult::status).containsExactly(
                    DkimResult.Status.PASS, DkimResult.Status.PASS, DkimResult.Status.TEMPERROR,
                    DkimResult.Status.PERMERROR);
        }
    }

    /** Publishes a record as printed: {@code name. IN TXT ( "..." "..." )}. */
    private static void publish(TestDns dns, String printed) {
        String name = printed.substring(0, printed.indexOf(". IN TXT"));
        List<String> strings = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(printed);
        while (m.find()) strings.add(m.group(1));
        assertThat(strings).allMatch(s -> s.length() <= 255);
        dns.txt(name, strings.toArray(String[]::new));
    }
}
