package dev.tern.app.web.admin;

import dev.tern.app.TernConfig;
import dev.tern.app.capture.CaptureStore;
import dev.tern.app.control.SpoolQueueControl;
import dev.tern.app.web.Router;
import dev.tern.app.web.WebContext;
import dev.tern.app.web.WebRoutes;
import dev.tern.app.web.WebServer;
import dev.tern.auth.AccountCredentials;
import dev.tern.auth.AccountStore;
import dev.tern.auth.AuthThrottle;
import dev.tern.delivery.DeliverySettings;
import dev.tern.delivery.QueueRunner;
import dev.tern.delivery.RemoteSettings;
import dev.tern.directory.Directory;
import dev.tern.directory.DirectorySettings;
import dev.tern.mail.Domain;
import dev.tern.spool.Spool;
import dev.tern.spool.SpoolSettings;
import dev.tern.store.MaildirSettings;
import dev.tern.store.MaildirStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every web route over a real spool, store and account file in {@code data}, with the queue runner not started,
 * on {@code 127.0.0.1:0}; {@link #ADMIN} is an admin. The clock is the caller's, so session timeouts can be tested.
 */
final class AdminFixture implements AutoCloseable {
    static final String ADMIN = "admin@localhost";
    static final String PASSWORD = "a long admin password";

    final Router router = new Router();
    private final Spool spool;
    private final WebServer web;

    AdminFixture(Path data, Clock clock) throws Exception {
        spool = Spool.open(data.resolve("spool"), new SpoolSettings(false));
        MaildirStore store = new MaildirStore(MaildirSettings.of(data.resolve("mail")));
        QueueRunner runner = QueueRunner.open(DeliverySettings.defaults(), RemoteSettings.defaults(), spool,
                new Directory(DirectorySettings.defaults()), store, Domain.parse("localhost"), Set.of(), clock);
        AccountStore accounts = AccountStore.open(data);
        accounts.add(ADMIN, PASSWORD);
        AdminAuth.writeAdmins(data, new TreeSet<>(List.of(ADMIN)));
        TernConfig d = TernConfig.defaults();
        TernConfig config = new TernConfig(data, d.server(), d.session(), d.directory(), d.spool(), d.delivery());
        AuthThrottle throttle = new AuthThrottle(new AccountCredentials(accounts), AuthThrottle.Policy.defaults());
        WebRoutes.register(router, new WebContext(config, spool, runner, store, accounts, throttle,
                new SpoolQueueControl(spool, runner), null, clock, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                CaptureStore.open(data.resolve("capture")), dev.tern.server.MessageInspector.NONE,
                () -> false));
        web = WebServer.start(d.web().withListen(List.of(new InetSocketAddress("127.0.0.1", 0))), router, () -> null);
    }

    String url() {
        return "http://127.0.0.1:" + web.addresses().getFirst().getPort();
    }

    @Override
    public void close() throws Exception {
        web.close();
        spool.close();
    }
}
