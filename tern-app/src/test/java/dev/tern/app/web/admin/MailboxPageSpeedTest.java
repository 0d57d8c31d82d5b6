package dev.tern.app.web.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tern.app.web.Json;
import dev.tern.testbase.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A page of a large folder over HTTP, against the same 300 ms as the queue page. The messages are dropped into
 * the INBOX's new/ directly, as another delivery agent would, so filling costs no fsync; the first listing
 * indexes them (timed apart). 10,000 by default; {@code -Dtern.mailbox.page.messages=100000} for more.
 */
class MailboxPageSpeedTest {
    private static final int MESSAGES = Integer.getInteger("tern.mailbox.page.messages", 10_000);
    private static final long BOUND_MS = 300;

    @TempDir
    Path data;

    @Test
    void aPageOfALargeFolderAnswersInTime() throws Exception {
        try (AdminFixture fixture = new AdminFixture(data, new MutableClock())) {
            HttpClient http = HttpClient.newHttpClient();
            // The console's way: one login, then the cookie (Basic would hash the password on every request).
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(fixture.url() + "/api/v1/session"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + AdminFixture.ADMIN + "\",\"password\":\""
                            + AdminFixture.PASSWORD + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
            String auth = setCookie.substring(0, setCookie.indexOf(';'));
            String base = fixture.url() + "/api/v1/mailboxes/" + AdminFixture.ADMIN;
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base)).header("Cookie", auth).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200); // makes the Maildir
            Path maildir;
            try (var found = Files.find(data.resolve("mail"), 4, (p, a) -> p.getFileName().toString().equals("new")
                    && !p.getParent().getFileName().toString().startsWith(".") && a.isDirectory())) { // INBOX's, not .Junk/new
                maildir = found.findFirst().orElseThrow().getParent();
            }
            long fillStart = System.nanoTime();
            for (int i = 0; i < MESSAGES; i++) {
                Files.writeString(maildir.resolve("new").resolve(String.format("1700000000.M%dP1.speed", i)),
                        "From: sender" + i + "@client.test\nSubject: message " + i + "\n\n" + "body line\n".repeat(20));
            }
            System.out.printf("dropped %d messages into new/ in %d ms%n", MESSAGES, (System.nanoTime() - fillStart) / 1_000_000);
            String folder = base + "/INBOX/messages";
            long indexStart = System.nanoTime();
            JsonNode first = get(http, auth, folder + "?limit=1");
            System.out.printf("first listing (indexes %d new messages) in %d ms%n", MESSAGES, (System.nanoTime() - indexStart) / 1_000_000);
            assertThat(first.get("total").asInt()).isEqualTo(MESSAGES);
            for (String query : List.of("?offset=0&limit=50", "?offset=" + MESSAGES / 2 + "&limit=50")) {
                long best = Long.MAX_VALUE;
                JsonNode page = null;
                for (int round = 0; round < 5; round++) { // the first rounds warm the JIT
                    long start = System.nanoTime();
                    page = get(http, auth, folder + query);
                    best = Math.min(best, (System.nanoTime() - start) / 1_000_000);
                }
                System.out.printf("GET .../INBOX/messages%s with %d messages: best of 5 %d ms%n", query, MESSAGES, best);
                assertThat(page.get("messages")).hasSize(50);
                assertThat(page.get("messages").get(0).get("subject").asText()).startsWith("message ");
                assertThat(best).isLessThan(BOUND_MS);
            }
        }
    }

    private static JsonNode get(HttpClient http, String auth, String url) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", auth).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return Json.MAPPER.readTree(response.body());
    }
}
