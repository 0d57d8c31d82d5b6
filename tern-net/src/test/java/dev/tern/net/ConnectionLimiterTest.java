package dev.tern.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.net.ConnectionLimiter.Admission;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionLimiterTest {
    private static final InetAddress A = InetAddress.ofLiteral("192.0.2.1");
    private static final InetAddress B = InetAddress.ofLiteral("192.0.2.2");
    private static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");

    @Test
    void perAddressLimitCountsEachClientSeparatelyAndFreesOnRelease() {
        ConnectionLimiter limiter = new ConnectionLimiter(100, 2, List.of());
        assertThat(limiter.acquire(A)).isEqualTo(Admission.ADMITTED);
        assertThat(limiter.acquire(A)).isEqualTo(Admission.ADMITTED);
        assertThat(limiter.acquire(A)).isEqualTo(Admission.TOO_MANY_FROM_ADDRESS);
        assertThat(limiter.acquire(B)).isEqualTo(Admission.ADMITTED);
        limiter.release(A);
        assertThat(limiter.acquire(A)).isEqualTo(Admission.ADMITTED);
        assertThat(limiter.open()).isEqualTo(3);
    }

    @Test
    void totalLimitAppliesToEveryone() {
        ConnectionLimiter limiter = new ConnectionLimiter(2, 10, List.of("127.0.0.0/8"));
        assertThat(limiter.acquire(LOOPBACK)).isEqualTo(Admission.ADMITTED);
        assertThat(limiter.acquire(A)).isEqualTo(Admission.ADMITTED);
        assertThat(limiter.acquire(LOOPBACK)).isEqualTo(Admission.TOO_MANY_TOTAL);
        assertThat(limiter.open()).isEqualTo(2);
    }

    @Test
    void exemptNetworksHaveNoPerAddressLimit() {
        ConnectionLimiter limiter = new ConnectionLimiter(100, 1, List.of("127.0.0.0/8"));
        for (int i = 0; i < 10; i++) assertThat(limiter.acquire(LOOPBACK)).isEqualTo(Admission.ADMITTED);
        for (int i = 0; i < 10; i++) limiter.release(LOOPBACK);
        assertThat(limiter.open()).isZero();
    }
}
