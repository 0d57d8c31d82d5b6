package dev.tern.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Chooses the server certificate by the client's SNI host name (RFC 6066 §3): an exact DNS name first, then a
 * wildcard; with no SNI or no match, the first certificate (and any others with the same names, so an RSA and an
 * EC certificate for one host can serve clients of either kind). The aliases are indexes into an immutable list,
 * so a reload builds a new key manager instead of changing this one.
 */
final class SniKeyChooser extends X509ExtendedKeyManager {
    private final List<CertifiedKey> keys;

    SniKeyChooser(List<CertifiedKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no certificates");
        }
        this.keys = List.copyOf(keys);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        SSLSession session = socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null;
        return choose(keyType, requestedHost(session));
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return choose(keyType, requestedHost(engine == null ? null : engine.getHandshakeSession()));
    }

    /**
     * JSSE calls this once per signature scheme the client offers, in the client's order, with that scheme's key
     * type; answering null lets it try the next scheme.
     */
    String choose(String keyType, Optional<String> host) {
        for (int i : candidates(host)) {
            if (keys.get(i).keyType().equals(keyType)) {
                return Integer.toString(i);
            }
        }
        return null;
    }

    private List<Integer> candidates(Optional<String> host) {
        if (host.isPresent()) {
            List<Integer> exact = matching(key -> key.matchesExactly(host.get()));
            if (!exact.isEmpty()) {
                return exact;
            }
            List<Integer> wildcard = matching(key -> key.matchesWildcard(host.get()));
            if (!wildcard.isEmpty()) {
                return wildcard;
            }
        }
        List<String> defaultNames = keys.getFirst().names();
        return matching(key -> key == keys.getFirst() || key.names().equals(defaultNames));
    }

    private List<Integer> matching(java.util.function.Predicate<CertifiedKey> test) {
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (test.test(keys.get(i))) {
                found.add(i);
            }
        }
        return found;
    }

    private static Optional<String> requestedHost(SSLSession session) {
        if (!(session instanceof ExtendedSSLSession extended)) {
            return Optional.empty();
        }
        for (SNIServerName name : extended.getRequestedServerNames()) {
            if (name instanceof SNIHostName host) {
                return Optional.of(CertifiedKey.normalize(host.getAsciiName()));
            }
        }
        return Optional.empty();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        List<String> aliases = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i).keyType().equals(keyType)) {
                aliases.add(Integer.toString(i));
            }
        }
        return aliases.isEmpty() ? null : aliases.toArray(String[]::new);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return find(alias).map(key -> key.chain().toArray(X509Certificate[]::new)).orElse(null);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return find(alias).map(CertifiedKey::key).orElse(null);
    }

    private Optional<CertifiedKey> find(String alias) {
        try {
            int i = Integer.parseInt(alias);
            return i >= 0 && i < keys.size() ? Optional.of(keys.get(i)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty(); // not one of ours: JSSE treats null as "no such alias"
        }
    }

    // A server never authenticates as a client (no client certificates, issue #3).

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
