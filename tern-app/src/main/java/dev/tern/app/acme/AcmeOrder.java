package dev.tern.app.acme;

import java.util.Optional;
import dev.tern.app.AcmeSettings;
import dev.tern.delivery.sts.WebPki;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One certificate order, RFC 8555 §7.4, with acme4j doing the protocol and the JOSE signing: log in to the account
 * (registered once, §7.3, and its URL kept), create the order, answer each pending authorization's HTTP-01
 * challenge (§8.3) through the {@link Http01Responder}, finalize with a CSR for the kept certificate key, download
 * the chain. Blocking, on the caller's thread; each wait is bounded by {@link #WAIT}.
 */
final class AcmeOrder {
    private static final Logger log = LoggerFactory.getLogger(AcmeOrder.class);
    static final Duration WAIT = Duration.ofMinutes(2);
    private static final Duration NETWORK_TIMEOUT = Duration.ofSeconds(30);
    private static final String ACCOUNT_DOES_NOT_EXIST = "urn:ietf:params:acme:error:accountDoesNotExist";

    private final AcmeSettings settings;
    private final AcmeFiles files;
    private final Http01Responder responder;

    AcmeOrder(AcmeSettings settings, AcmeFiles files, Http01Responder responder) {
        this.settings = settings;
        this.files = files;
        this.responder = responder;
    }

    /** Orders a certificate for {@code domains}; returns its chain, leaf first, already written to disk. */
    List<X509Certificate> obtain(List<String> domains) throws AcmeException, IOException, InterruptedException {
        responder.bind();
        Session session = session();
        Login login = login(session, false);
        Order order;
        try {
            order = login.newOrder().domains(domains).create();
        } catch (AcmeServerException e) {
            // The CA forgot the account (a test CA restarted, an account deactivated): register once more.
            if (!ACCOUNT_DOES_NOT_EXIST.equals(String.valueOf(e.getType()))) throw e;
            login = login(session, true);
            order = login.newOrder().domains(domains).create();
        }
        for (Authorization authorization : order.getAuthorizations()) {
            authorize(authorization);
        }
        if (order.waitUntilReady(WAIT) != Status.READY) throw failed("order", order.getError());
        order.execute(files.certificateKey());
        if (order.waitForCompletion(WAIT) != Status.VALID) throw failed("finalization", order.getError());
        List<X509Certificate> chain = order.getCertificate().getCertificateChain();
        files.writeChain(chain);
        return chain;
    }

    private Login login(Session session, boolean register) throws AcmeException, IOException {
        URI directory = settings.directory().orElseThrow();
        KeyPair key = files.accountKey();
        Optional<URL> known = register ? Optional.empty() : files.accountUrl(directory);
        if (known.isPresent()) return session.login(known.get(), key);
        AccountBuilder builder = new AccountBuilder().agreeToTermsOfService().useKeyPair(key);
        settings.contacts().forEach(builder::addContact);
        Login login = builder.createLogin(session); // RFC 8555 §7.3.1: an already registered key finds its account
        files.saveAccountUrl(directory, login.getAccountLocation());
        log.info("acme account ready url={} contacts={}", login.getAccountLocation(), settings.contacts());
        return login;
    }

    private void authorize(Authorization authorization) throws AcmeException, InterruptedException {
        if (authorization.getStatus() == Status.VALID) return;
        String name = authorization.getIdentifier().getValue();
        Http01Challenge challenge = authorization.findChallenge(Http01Challenge.class)
                .orElseThrow(() -> new AcmeException("the CA offers no http-01 challenge for " + name));
        responder.offer(challenge.getToken(), challenge.getAuthorization());
        try {
            challenge.trigger();
            if (challenge.waitForCompletion(WAIT) != Status.VALID) {
                throw failed("http-01 challenge for " + name, challenge.getError());
            }
        } finally {
            responder.withdraw(challenge.getToken());
        }
    }

    private static AcmeException failed(String what, Optional<Problem> problem) {
        return new AcmeException(what + " failed: " + problem.map(AcmeOrder::describe).orElse("no reason given"));
    }

    static String describe(Problem problem) {
        String detail = problem.getDetail().orElse(problem.getTitle().orElse(""));
        return problem.getType() + (detail.isEmpty() ? "" : " " + detail);
    }

    private Session session() throws IOException {
        URI directory = settings.directory().orElseThrow();
        Session session = settings.trust().isPresent()
                ? new Session(directory, new TrustingProvider(sslContext(settings.trust().get())))
                : new Session(directory);
        session.networkSettings().setTimeout(NETWORK_TIMEOUT);
        return session;
    }

    /** An SSL context that trusts only the roots in the PEM file {@code roots} (a private or test CA). */
    static SSLContext sslContext(Path roots) throws IOException {
        try (InputStream in = Files.newInputStream(roots)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("root-" + i++, certificate);
            }
            if (i == 0) throw new IOException(roots + ": no PEM certificate found");
            return WebPki.context(WebPki.trustManager(Optional.of(store)));
        } catch (GeneralSecurityException e) {
            throw new IOException(roots + ": " + e.getMessage(), e);
        }
    }

    /** acme4j's generic provider (any https directory URL) with an HTTP client that trusts the given roots. */
    private static final class TrustingProvider extends GenericAcmeProvider {
        private final SSLContext context;

        TrustingProvider(SSLContext context) {
            this.context = context;
        }

        @Override
        protected HttpConnector createHttpConnector(NetworkSettings settings) {
            return new HttpConnector(settings) {
                @Override
                public HttpClient.Builder createClientBuilder() {
                    return super.createClientBuilder().sslContext(context);
                }
            };
        }
    }
}
