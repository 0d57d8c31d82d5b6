package dev.tern.app.web.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.app.QueueFill;
import dev.tern.app.TernConfig;
import dev.tern.app.control.SpoolQueueControl;
import dev.tern.app.web.Json;
import dev.tern.app.web.Router;
import dev.tern.app.web.WebContext;
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
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's queue page over HTTP with a large queue: one page of 50, and a search, against the issue's
 * 300 ms. 10,000 messages by default so the suite stays fast; {@code -Dtern.queue.page.messages=100000} measures
 * the figure. The spool is filled through its own writer without fsync (the fastest way in) and the
 * queue runner is not started, so nothing is delivered while the page is timed.
 */
class QueuePageSpeedTest {
    private static final int MESSAGES = Integer.getInteger("tern.queue.page.messages", 10_000);
    private static final long BOUND_MS = 300;

    @TempDir
    Path data;

    @Test
    void aPageOfALargeQueueAnswersInTime() throws Exception {
        long fillStart = System.nanoTime();
        try (Spool spool = Spool.open(data.resolve("spool"), new SpoolSettings(false))) {
            QueueFill.fill(spool, MESSAGES, 0);
            System.out.printf("queued %d messages in %d ms%n", MESSAGES, (System.nanoTime() - fillStart) / 1_000_000);
            MaildirStore store = new MaildirStore(MaildirSettings.of(data.resolve("mail")));
            var runner = QueueRunner.open(DeliverySettings.defaults(), RemoteSettings.defaults(), spool,
                    new Directory(DirectorySettings.defaults()), store, Domain.parse("localhost"), Set.of(), Clock.systemUTC());
            AccountStore accounts = AccountStore.open(data);
            accounts.add("admin@localhost", "a long admin password");
            AdminAuth.writeAdmins(data, new TreeSet<>(List.of("admin@localhost")));
            TernConfig d = TernConfig.defaults();
            TernConfig config = new TernConfig(data, d.server(), d.session(), d.directory(), d.spool(), d.delivery());
            AuthThrottle throttle = new AuthThrottle(new AccountCredentials(accounts), AuthThrottle.Policy.defaults());
            Router router = new Router();
            AdminRoutes.register(router, new WebContext(config, spool, runner, store, accounts, throttle,
                    new SpoolQueueControl(spool, runner), null, Clock.systemUTC()));
            try (WebServer web = WebServer.start(d.web().withListen(List.of(new InetSocketAddress("127.0.0.1", 0))),
                    router, () -> null)) {
                String base = "http://127.0.0.1:" + web.addresses().getFirst().getPort() + "/api/v1/queue";
                HttpClient http = HttpClient.newHttpClient();
                // The console's way: one login, then the session cookie (Basic would hash the password per request).
                HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base.replace("/queue", "/session")))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin@localhost\",\"password\":\"a long admin password\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(login.statusCode()).isEqualTo(200);
                String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
                String cookie = setCookie.substring(0, setCookie.indexOf(';'));
                for (String query : List.of("?offset=5000&limit=50", "?q=sender77%40client.test&limit=50")) {
                    long best = Long.MAX_VALUE;
                    JsonNode page = null;
                    for (int round = 0; round < 5; round++) { // the first rounds warm the JIT
                        long start = System.nanoTime();
                        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(base + query))
                                .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofByteArray());
                        best = Math.min(best, (System.nanoTime() - start) / 1_000_000);
                        assertThat(response.statusCode()).isEqualTo(200);
                        page = Json.MAPPER.readTree(response.body());
                    }
                    System.out.printf("GET /api/v1/queue%s with %d queued: best of 5 %d ms%n", query, MESSAGES, best);
                    assertThat(page.get("total").asInt()).isEqualTo(query.contains("q=") ? 1 : MESSAGES);
                    assertThat(best).isLessThan(BOUND_MS);
                }
            }
        }
    }
}
