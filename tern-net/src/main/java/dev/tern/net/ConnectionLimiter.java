package dev.tern.net;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open sessions in total and per client address, and refuses new ones over the limits. Thread-safe:
 * the accept loop acquires, each connection's thread releases.
 */
public final class ConnectionLimiter {
    private final int maxTotal;
    private final int maxPerAddress;
    private final List<Cidr> exempt;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

    /** Why a connection was refused, or that it was admitted. */
    public enum Admission { ADMITTED, TOO_MANY_TOTAL, TOO_MANY_FROM_ADDRESS }

    public ConnectionLimiter(int maxTotal, int maxPerAddress, List<String> exemptNetworks) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
        this.exempt = exemptNetworks.stream().map(Cidr::parse).toList();
    }

    /** Admits a session, or says why not; an admitted session must be {@linkplain #release released}. */
    public Admission acquire(InetAddress client) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return Admission.TOO_MANY_TOTAL;
        }
        if (isExempt(client)) return Admission.ADMITTED;
        if (perAddress.merge(client, 1, Integer::sum) > maxPerAddress) {
            decrement(client);
            total.decrementAndGet();
            return Admission.TOO_MANY_FROM_ADDRESS;
        }
        return Admission.ADMITTED;
    }

    public void release(InetAddress client) {
        total.decrementAndGet();
        if (isExempt(client)) return;
        decrement(client);
    }

    public int open() {
        return total.get();
    }

    private void decrement(InetAddress client) {
        // compute() is atomic per key, so a count never goes missing between two sessions of one client.
        perAddress.compute(client, (address, count) -> count == null || count <= 1 ? null : count - 1);
    }

    /** The client is in an exempt network: no per-address limit applies to it (the hourly ones neither). */
    public boolean isExempt(InetAddress client) {
        for (Cidr cidr : exempt) {
            if (cidr.contains(client)) return true;
        }
        return false;
    }
}
