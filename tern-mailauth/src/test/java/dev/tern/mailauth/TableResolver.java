package dev.tern.mailauth;

import dev.tern.dns.Lookup;
import dev.tern.dns.Mx;
import dev.tern.dns.Resolver;
import dev.tern.mail.Domain;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** DNS data for tests: TXT answers from a table; every name not in it is NXDOMAIN. */
public final class TableResolver implements Resolver {
    private final Map<String, Lookup<String>> txt = new ConcurrentHashMap<>();

    public TableResolver txt(String name, String... records) {
        txt.put(key(name), new Lookup.Found<>(List.of(records), Duration.ofMinutes(5)));
        return this;
    }

    public TableResolver answer(String name, Lookup<String> lookup) {
        txt.put(key(name), lookup);
        return this;
    }

    @Override
    public Lookup<Mx> mx(Domain domain) {
        return new Lookup.NxDomain<>(Duration.ZERO);
    }

    @Override
    public Lookup<InetAddress> a(Domain host) {
        return new Lookup.NxDomain<>(Duration.ZERO);
    }

    @Override
    public Lookup<InetAddress> aaaa(Domain host) {
        return new Lookup.NxDomain<>(Duration.ZERO);
    }

    @Override
    public Lookup<Mx> mx(String name) {
        return new Lookup.NxDomain<>(Duration.ZERO);
    }

    @Override
    public Lookup<InetAddress> a(String name) {
        return new Lookup.NxDomain<>(Duration.ZERO);
    }

    @Override
    public Lookup<InetAddress> aaaa(String name) {
        return new Lookup.NxDomain<>(Duration.ZERO);
    }

    @Override
    public Lookup<String> ptr(InetAddress address) {
        return new Lookup.NxDomain<>(Duration.ZERO);
    }

    @Override
    public Lookup<String> txt(String name) {
        return txt.getOrDefault(key(name), new Lookup.NxDomain<>(Duration.ZERO));
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
