package dev.tern.delivery.sts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.delivery.tlsrpt.TlsAttempt.FailureType;
import dev.tern.dns.Lookup;
import dev.tern.dns.Mx;
import dev.tern.dns.Resolver;
import dev.tern.mail.Domain;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lookup and its cache (RFC 8461 §5.1), over a resolver and a policy source the test controls. */
class MtaStsTest {
    static final Domain DOMAIN = Domain.parse("example.com");
    static final String ENFORCE = "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 3600\n";
    static final String TESTING = "version: STSv1\nmode: testing\nmx: *.example.com\nmax_age: 3600\n";

    @TempDir
    Path dir;

    final TxtResolver dns = new TxtResolver();
    final Source source = new Source();
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T00:00:00Z"));

    MtaSts sts(Path cache) {
        return new MtaSts(dns, StsSettings.on(cache).withFailureBackoff(Duration.ZERO), source,
                new StsCache(Optional.of(cache)), clock);
    }

    @Test
    void fetchesOnceAndServesTheCacheWhileTheIdStays() {
        dns.txt = found("v=STSv1; id=one;");
        source.body = ENFORCE;
        MtaSts sts = sts(dir);
        var first = (StsPolicyLookup.Policy) sts.policy(DOMAIN);
        assertThat(first.policy().mode()).isEqualTo(StsPolicy.Mode.ENFORCE);
        assertThat(first.id()).isEqualTo("one");
        assertThat(first.expires()).isEqualTo(clock.instant().plusSeconds(3600));
        clock.advance(Duration.ofMinutes(30));
        assertThat(sts.policy(DOMAIN)).isInstanceOf(StsPolicyLookup.Policy.class);
        assertThat(source.fetches).isEqualTo(1);
    }

    @Test
    void aNewIdFetchesAgain() {
        dns.txt = found("v=STSv1; id=one;");
        source.body = ENFORCE;
        MtaSts sts = sts(dir);
        sts.policy(DOMAIN);
        dns.txt = found("v=STSv1; id=two;");
        source.body = TESTING;
        var now = (StsPolicyLookup.Policy) sts.policy(DOMAIN);
        assertThat(now.policy().mode()).isEqualTo(StsPolicy.Mode.TESTING);
        assertThat(now.id()).isEqualTo("two");
        assertThat(source.fetches).isEqualTo(2);
    }

    @Test
    void anExpiredPolicyIsFetchedAgain() {
        dns.txt = found("v=STSv1; id=one;");
        source.body = ENFORCE;
        MtaSts sts = sts(dir);
        sts.policy(DOMAIN);
        clock.advance(Duration.ofHours(2));
        assertThat(sts.policy(DOMAIN)).isInstanceOf(StsPolicyLookup.Policy.class);
        assertThat(source.fetches).isEqualTo(2);
    }

    @Test
    void policySurvivesARestartOnDisk() throws Exception {
        dns.txt = found("v=STSv1; id=one;");
        source.body = ENFORCE;
        sts(dir).policy(DOMAIN);
        assertThat(Files.readString(dir.resolve("example.com.policy"))).startsWith("tern-mta-sts 1\nid: one\n")
                .endsWith("\n\n" + ENFORCE);
        MtaSts restarted = sts(dir);
        var cached = (StsPolicyLookup.Policy) restarted.policy(DOMAIN);
        assertThat(cached.policy().mx()).extracting(MxPattern::pattern).containsExactly("mx.example.com");
        assertThat(source.fetches).isEqualTo(1);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("example.com.policy"); // no temp file left
        }
    }

    @Test
    void aTxtTempFailureKeepsTheCachedPolicy() {
        dns.txt = found("v=STSv1; id=one;");
        source.body = ENFORCE;
        MtaSts sts = sts(dir);
        sts.policy(DOMAIN);
        dns.txt = new Lookup.TempFail<>("SERVFAIL");
        assertThat(sts.policy(DOMAIN)).isInstanceOf(StsPolicyLookup.Policy.class);
        clock.advance(Duration.ofHours(2)); // expired: nothing left to keep
        assertThat(sts.policy(DOMAIN)).isInstanceOf(StsPolicyLookup.None.class);
    }

    @Test
    void aVanishedRecordKeepsTheUnexpiredPolicy() {
        dns.txt = found("v=STSv1; id=one;");
        source.body = ENFORCE;
        MtaSts sts = sts(dir);
        sts.policy(DOMAIN);
        dns.txt = new Lookup.NxDomain<>(Duration.ofMinutes(5));
        assertThat(sts.policy(DOMAIN)).isInstanceOf(StsPolicyLookup.Policy.class);
        clock.advance(Duration.ofHours(2));
        assertThat(sts.policy(DOMAIN)).isInstanceOf(StsPolicyLookup.None.class);
        assertThat(source.fetches).isEqualTo(1);
    }

    @Test
    void aFailedFetchKeepsTheCachedPolicyOrReportsTheFailure() {
        dns.txt = found("v=STSv1; id=one;");
        source.body = ENFORCE;
        MtaSts sts = sts(dir);
        sts.policy(DOMAIN);
        dns.txt = found("v=STSv1; id=two;");
        source.body = null;
        assertThat(sts.policy(DOMAIN)).isInstanceOf(StsPolicyLookup.Policy.class);

        MtaSts fresh = sts(dir.resolve("other"));
        var failed = (StsPolicyLookup.FetchFailed) fresh.policy(DOMAIN);
        assertThat(failed.failure()).isEqualTo(FailureType.STS_POLICY_FETCH_ERROR);
    }

    @Test
    void anInvalidPolicyIsSuchAFailure() {
        dns.txt = found("v=STSv1; id=one;");
        source.body = "version: STSv1\nmode: sometimes\n";
        var failed = (StsPolicyLookup.FetchFailed) sts(dir).policy(DOMAIN);
        assertThat(failed.failure()).isEqualTo(FailureType.STS_POLICY_INVALID);
    }

    @Test
    void aFailedFetchWaitsForTheBackOff() {
        dns.txt = found("v=STSv1; id=one;");
        source.body = null;
        MtaSts sts = new MtaSts(dns, StsSettings.on(dir).withFailureBackoff(Duration.ofMinutes(5)), source,
                new StsCache(Optional.of(dir)), clock);
        assertThat(sts.policy(DOMAIN)).isInstanceOf(StsPolicyLookup.FetchFailed.class);
        assertThat(sts.policy(DOMAIN)).isInstanceOf(StsPolicyLookup.FetchFailed.class);
        assertThat(source.fetches).isEqualTo(1);
        clock.advance(Duration.ofMinutes(6));
        source.body = ENFORCE;
        assertThat(sts.policy(DOMAIN)).isInstanceOf(StsPolicyLookup.Policy.class);
        assertThat(source.fetches).isEqualTo(2);
    }

    @Test
    void noRecordOrTwoRecordsIsNoPolicy() {
        dns.txt = new Lookup.NoData<>(Duration.ofMinutes(5));
        assertThat(sts(dir).policy(DOMAIN)).isInstanceOf(StsPolicyLookup.None.class);
        dns.txt = found("v=STSv1; id=one;", "v=STSv1; id=two;");
        assertThat(sts(dir).policy(DOMAIN)).isInstanceOf(StsPolicyLookup.None.class);
        assertThat(source.fetches).isZero();
    }

    @Test
    void aDamagedCacheFileIsIgnored() throws Exception {
        Files.writeString(dir.resolve("example.com.policy"), "tern-mta-sts 1\nid: one\nfetched: yesterday\n\n" + ENFORCE);
        dns.txt = found("v=STSv1; id=one;");
        source.body = TESTING;
        var policy = (StsPolicyLookup.Policy) sts(dir).policy(DOMAIN);
        assertThat(policy.policy().mode()).isEqualTo(StsPolicy.Mode.TESTING);
        assertThat(StsCache.parse("junk")).isEmpty();
    }

    @Test
    void offIsNoPolicy() {
        assertThat(MtaSts.off().policy(DOMAIN)).isInstanceOf(StsPolicyLookup.None.class);
    }

    private static Lookup<String> found(String... records) {
        return new Lookup.Found<>(List.of(records), Duration.ofMinutes(5));
    }

    /** Answers TXT for {@code _mta-sts.example.com} with {@link #txt}; nothing else is asked. */
    static final class TxtResolver implements Resolver {
        volatile Lookup<String> txt = new Lookup.NoData<>(Duration.ZERO);
        final List<String> asked = new ArrayList<>();

        @Override
        public Lookup<Mx> mx(Domain domain) {
            return new Lookup.NoData<>(Duration.ZERO);
        }

        @Override
        public Lookup<InetAddress> a(Domain host) {
            return new Lookup.NoData<>(Duration.ZERO);
        }

        @Override
        public Lookup<InetAddress> aaaa(Domain host) {
            return new Lookup.NoData<>(Duration.ZERO);
        }

        @Override
        public Lookup<Mx> mx(String name) {
            return new Lookup.NoData<>(Duration.ZERO);
        }

        @Override
        public Lookup<InetAddress> a(String name) {
            return new Lookup.NoData<>(Duration.ZERO);
        }

        @Override
        public Lookup<InetAddress> aaaa(String name) {
            return new Lookup.NoData<>(Duration.ZERO);
        }

        @Override
        public Lookup<String> ptr(InetAddress address) {
            return new Lookup.NoData<>(Duration.ZERO);
        }

        @Override
        public Lookup<String> txt(String name) {
            asked.add(name);
            assertThat(name).isEqualTo("_mta-sts.example.com");
            return txt;
        }
    }

    /** Serves {@link #body}, or fails when it is null; counts fetches. */
    static final class Source implements PolicySource {
        volatile String body;
        volatile int fetches;

        @Override
        public Fetched fetch(Domain domain) {
            fetches++;
            return body == null ? new Fetched.Failed("connect refused", FailureType.STS_POLICY_FETCH_ERROR)
                    : new Fetched.Body(body);
        }
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
