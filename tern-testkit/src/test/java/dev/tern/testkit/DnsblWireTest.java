package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.dns.DnsSettings;
import dev.tern.server.DnsblSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DNS blocklists at connect, end to end over TestDns. The server listens on 127.0.0.1; clients connect from chosen
 * 127.0.0.x source addresses, and only 127.0.0.1 is exempt here (by default all of loopback is).
 */
class DnsblWireTest {
    @TempDir
    Path data;

    private TestDns dns;
    private TestServer server;

    @BeforeEach
    void start() throws IOException {
        dns = TestDns.start();
        // 127.0.0.2 is listed with a reason; 127.0.0.3 is on no list, and the second zone fails for it.
        dns.a("2.0.0.127.bl.test", "127.0.0.2").txt("2.0.0.127.bl.test", "Listed for testing");
        dns.servfail("3.0.0.127.broken.test").servfail("2.0.0.127.broken.test");
        DnsblSettings dnsbl = DnsblSettings.defaults().withZones(List.of("bl.test", "broken.test"))
                .withExemptNetworks(List.of("127.0.0.1/32"));
        server = TestServer.start(data, c -> c.withRemote(c.remote()
                        .withDns(new DnsSettings(List.of(dns.address()), Duration.ofSeconds(2), 0)))
                .withDnsbl(dnsbl));
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (dns != null) dns.close();
    }

    /** Connects from {@code source} and plays {@code commands}, returning the greeting and each reply's last line. */
    private static List<String> session(String source, int port, String... commands) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            List<String> replies = new java.util.ArrayList<>();
            replies.add(Transcript.readReply(in).getLast());
            for (String command : commands) {
                out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                replies.add(Transcript.readReply(in).getLast());
            }
            return replies;
        }
    }

    @Test
    void listedClientGets554AndOnlyQuit() throws IOException {
        List<String> replies = session("127.0.0.2", server.port(), "EHLO client.test", "MAIL FROM:<a@b.test>", "QUIT");
        // RFC 5321 §3.1: 554 instead of the 220; then 503 to all but QUIT.
        assertThat(replies.get(0)).isEqualTo(
                "554 5.7.1 Service unavailable; client [127.0.0.2] blocked using bl.test: Listed for testing");
        assertThat(replies.get(1)).startsWith("503 5.5.1");
        assertThat(replies.get(2)).startsWith("503 5.5.1");
        assertThat(replies.get(3)).startsWith("221");
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource(delimiter = '|', textBlock = """
        # On no list, and the failing zone fails open.
        127.0.0.3 | smtp
        # Exempt (the exemption is loopback by default; here only 127.0.0.1).
        127.0.0.1 | smtp
        # Never on submission, even for a listed client.
        127.0.0.2 | submission
        """)
    void otherClientsAreGreeted(String source, String listener) throws IOException {
        int port = listener.equals("smtp") ? server.port() : server.submissionPort();
        List<String> replies = session(source, port, "QUIT");
        assertThat(replies.get(0)).startsWith("220 ");
        assertThat(replies.get(1)).startsWith("221");
        if (source.equals("127.0.0.1")) assertThat(dns.queries("1.0.0.127.bl.test", "A")).isZero();
        if (source.equals("127.0.0.3")) assertThat(dns.queries("3.0.0.127.broken.test", "A")).isPositive();
    }
}
