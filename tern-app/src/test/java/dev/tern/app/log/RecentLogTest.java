package dev.tern.app.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/** The recent log: the provider copies what slf4j-simple writes, the ring keeps the newest, tail filters. */
class RecentLogTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC);

    private static Logger logger(RecentLog ring) {
        RecentLogProvider provider = new RecentLogProvider(ring, CLOCK);
        provider.initialize();
        return provider.getLoggerFactory().getLogger("dev.tern.test.Recorder");
    }

    @Test
    void recordsWhatIsLoggedAtTheDelegatesLevels() {
        RecentLog ring = new RecentLog(10);
        assertThat(ring.recording()).isFalse();
        Logger log = logger(ring);
        assertThat(ring.recording()).isTrue();
        log.info("queued {} for {} recipients", "A1B2", 3);
        log.debug("slf4j-simple's default level is info: not written, not kept");
        log.warn("delivery of {} deferred", "A1B2", new java.io.IOException("connection refused\nsecond line"));
        log.atError().addArgument("C3").log("bounced {}");
        log.info("a literal {} stays as it is");

        var all = ring.tail(Level.TRACE, 10);
        assertThat(all).extracting(RecentLog.Entry::message).containsExactly("queued A1B2 for 3 recipients",
                "delivery of A1B2 deferred", "bounced C3", "a literal {} stays as it is");
        assertThat(all.get(1).throwable()).isEqualTo("java.io.IOException: connection refused");
        assertThat(all.get(1).level()).isEqualTo(Level.WARN);
        assertThat(all.getFirst().logger()).isEqualTo("dev.tern.test.Recorder");
        assertThat(all.getFirst().at()).isEqualTo(CLOCK.instant());
        assertThat(all.getFirst().thread()).isEqualTo(Thread.currentThread().getName());
    }

    @Test
    void keepsOnlyTheNewestAndTailsByLevel() {
        RecentLog ring = new RecentLog(5);
        Logger log = logger(ring);
        for (int i = 0; i < 12; i++) {
            if (i % 3 == 0) log.warn("w{}", i);
            else log.info("i{}", i);
        }
        assertThat(ring.tail(Level.INFO, 100)).extracting(RecentLog.Entry::message)
                .containsExactly("i7", "i8", "w9", "i10", "i11");
        assertThat(ring.tail(Level.INFO, 2)).extracting(RecentLog.Entry::message).containsExactly("i10", "i11");
        assertThat(ring.tail(Level.WARN, 100)).extracting(RecentLog.Entry::message).containsExactly("w9");
        assertThat(ring.tail(Level.ERROR, 100)).isEmpty();
    }

    @Test
    void cutsLongMessages() {
        RecentLog ring = new RecentLog(1);
        logger(ring).info("x".repeat(RecentLog.MAX_MESSAGE + 50));
        assertThat(ring.tail(Level.INFO, 1).getFirst().message()).hasSize(RecentLog.MAX_MESSAGE + 1);
    }

    @Test
    void cutsLongThrowables() {
        RecentLog ring = new RecentLog(1);
        logger(ring).warn("parse failed", new IllegalArgumentException("y".repeat(20_000)));
        assertThat(ring.tail(Level.WARN, 1).getFirst().throwable()).hasSizeLessThanOrEqualTo(RecentLog.MAX_MESSAGE + 1)
                .startsWith("java.lang.IllegalArgumentException: yyy");
    }

    @Test
    void parsesLevelNames() {
        assertThat(RecentLog.level("Warn")).contains(Level.WARN);
        assertThat(RecentLog.level("loud")).isEmpty();
    }
}
