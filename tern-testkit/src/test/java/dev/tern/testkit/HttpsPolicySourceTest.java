package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.delivery.sts.HttpsPolicySource;
import dev.tern.delivery.sts.PolicySource.Fetched;
import dev.tern.delivery.sts.StsSettings;
import dev.tern.delivery.tlsrpt.TlsAttempt.FailureType;
import dev.tern.dns.DnsSettings;
import dev.tern.dns.DnsjavaResolver;
import dev.tern.mail.Domain;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The policy fetch (RFC 8461 §3.3) against the JDK's HTTPS server on loopback, its address from a {@link TestDns}
 * through Tern's own resolver: status 200 and text/plain only, no redirects, the size limit, the WebPKI check of
 * {@code mta-sts.<domain>}.
 */
class HttpsPolicySourceTest {
    static final TestCa CA = new TestCa();
    static final Domain DOMAIN = Domain.parse("far.example");
    static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx.far.example\nmax_age: 600\n";

    TestDns dns;
    PolicyServer server;

    @BeforeEach
    void start() throws IOException {
        dns = TestDns.start();
        dns.a("mta-sts.far.example", "127.0.0.1");
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        dns.close();
    }

    HttpsPolicySource source(PolicyServer on) {
        var settings = StsSettings.on(Path.of("unused")).withHttpsPort(on.port()).withWebPki(Optional.of(CA.trust()))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
        return new HttpsPolicySource(new DnsjavaResolver(new DnsSettings(List.of(dns.address()), Duration.ofSeconds(2), 0)),
                settings);
    }

    @Test
    void fetchesThePolicy() throws IOException {
        server = new PolicyServer(CA.leaf("mta-sts.far.example").server()).serve(POLICY);
        assertThat(source(server).fetch(DOMAIN)).isEqualTo(new Fetched.Body(POLICY));
    }

    @Test
    void readsAChunkedBody() throws IOException {
        server = new PolicyServer(CA.leaf("mta-sts.far.example").server()).serve(POLICY).chunked();
        assertThat(source(server).fetch(DOMAIN)).isEqualTo(new Fetched.Body(POLICY));
    }

    @Test
    void takesAMediaTypeWithParameters() throws IOException {
        server = new PolicyServer(CA.leaf("mta-sts.far.example").server()).serve(POLICY).type("text/plain; charset=utf-8");
        assertThat(source(server).fetch(DOMAIN)).isEqualTo(new Fetched.Body(POLICY));
    }

    @Test
    void followsNoRedirect() throws IOException {
        server = new PolicyServer(CA.leaf("mta-sts.far.example").server())
                .redirect(301, "https://mta-sts.far.example/other.txt");
        assertThat(source(server).fetch(DOMAIN)).isEqualTo(
                new Fetched.Failed("policy host answered HTTP 301", FailureType.STS_POLICY_FETCH_ERROR));
    }

    @Test
    void refusesAnotherMediaType() throws IOException {
        server = new PolicyServer(CA.leaf("mta-sts.far.example").server()).serve(POLICY).type("text/html");
        assertThat(source(server).fetch(DOMAIN)).isInstanceOf(Fetched.Failed.class);
    }

    @Test
    void refusesAPolicyOverTheLimit() throws IOException {
        String big = POLICY + ("x_pad: " + "a".repeat(1000) + "\n").repeat(70);
        server = new PolicyServer(CA.leaf("mta-sts.far.example").server()).serve(big);
        assertThat(source(server).fetch(DOMAIN)).isEqualTo(new Fetched.Failed(
                "policy larger than " + StsSettings.MAX_POLICY_BYTES + " octets", FailureType.STS_POLICY_FETCH_ERROR));
        server.chunked();
        assertThat(source(server).fetch(DOMAIN)).isInstanceOf(Fetched.Failed.class);
    }

    @Test
    void aCertificateForAnotherNameIsAWebPkiFailure() throws IOException {
        server = new PolicyServer(CA.leaf("www.far.example").server()).serve(POLICY);
        var failed = (Fetched.Failed) source(server).fetch(DOMAIN);
        assertThat(failed.failure()).isEqualTo(FailureType.STS_WEBPKI_INVALID);
    }

    @Test
    void anUntrustedCertificateIsAWebPkiFailure() throws IOException {
        server = new PolicyServer(new TestCa().leaf("mta-sts.far.example").server()).serve(POLICY);
        var failed = (Fetched.Failed) source(server).fetch(DOMAIN);
        assertThat(failed.failure()).isEqualTo(FailureType.STS_WEBPKI_INVALID);
    }

    @Test
    void aPolicyHostWithoutAddressIsAFetchError() throws IOException {
        server = new PolicyServer(CA.leaf("mta-sts.far.example").server()).serve(POLICY);
        dns.remove("mta-sts.far.example");
        assertThat(source(server).fetch(DOMAIN)).isEqualTo(
                new Fetched.Failed("policy host has no address", FailureType.STS_POLICY_FETCH_ERROR));
    }

    @Test
    void nobodyListeningIsAFetchError() throws IOException {
        server = new PolicyServer(CA.leaf("mta-sts.far.example").server());
        HttpsPolicySource source = source(server);
        server.close();
        var failed = (Fetched.Failed) source.fetch(DOMAIN);
        assertThat(failed.failure()).isEqualTo(FailureType.STS_POLICY_FETCH_ERROR);
        assertThat(failed.reason()).startsWith("connect");
        server = null;
    }
}
