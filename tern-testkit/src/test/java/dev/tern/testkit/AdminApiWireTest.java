package dev.tern.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin REST API over the JDK's HttpClient: who may call it, CSRF, 404s, paging and search. */
class AdminApiWireTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path data;

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> login(TestServer server, String user, String password) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(server.webUrl() + "/api/v1/session"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                        java.util.Map.of("username", user, "password", password)))));
    }

    @Test
    void loginSessionCsrfAndBasic() throws Exception {
        try (TestServer server = ConsoleBrowserTest.start(data)) {
            dev.tern.auth.AccountStore.open(data).add("bob@localhost", "bob's own password");
            String queued = QueueCommandWireTest.submit(server, "carol@remote.example");
            URI queue = URI.create(server.webUrl() + "/api/v1/queue");

            assertThat(send(HttpRequest.newBuilder(queue)).statusCode()).isEqualTo(401);
            // Unknown user, wrong password and a non-admin account answer alike.
            HttpResponse<String> unknown = login(server, "nobody@localhost", "x");
            HttpResponse<String> wrong = login(server, ConsoleBrowserTest.ADMIN, "x");
            HttpResponse<String> notAdmin = login(server, "bob@localhost", "bob's own password");
            assertThat(unknown.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).isEqualTo(unknown.body());
            assertThat(notAdmin.body()).isEqualTo(unknown.body());
            assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();

            HttpResponse<String> huge = login(server, ConsoleBrowserTest.ADMIN, "x".repeat(5000));
            assertThat(huge.statusCode()).isEqualTo(413);
            HttpResponse<String> notJson = send(HttpRequest.newBuilder(URI.create(server.webUrl() + "/api/v1/session"))
                    .POST(HttpRequest.BodyPublishers.ofString("username=alice")));
            assertThat(notJson.statusCode()).isEqualTo(400);

            HttpResponse<String> ok = login(server, ConsoleBrowserTest.ADMIN, ConsoleBrowserTest.PASSWORD);
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(setCookie).contains("HttpOnly", "SameSite=Strict").doesNotContain("Secure");
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            assertThat(cookie.length()).isEqualTo("tern_session=".length() + 64);
            String csrf = JSON.readTree(ok.body()).get("csrf").asText();

            HttpResponse<String> listed = send(HttpRequest.newBuilder(queue).header("Cookie", cookie));
            assertThat(listed.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(listed.body()).get("messages").get(0).get("id").asText()).isEqualTo(queued);

            URI hold = URI.create(server.webUrl() + "/api/v1/queue/" + queued + "/hold");
            assertThat(send(HttpRequest.newBuilder(hold).header("Cookie", cookie)
                    .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(403);
            assertThat(send(HttpRequest.newBuilder(hold).header("Cookie", cookie).header("X-Tern-CSRF", (csrf.charAt(0) == '0' ? "1" : "0") + csrf.substring(1))
                    .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(403);
            assertThat(send(HttpRequest.newBuilder(hold).header("Cookie", cookie).header("X-Tern-CSRF", csrf)
                    .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(200);
            JsonNode held = JSON.readTree(send(HttpRequest.newBuilder(URI.create(queue + "?state=held"))
                    .header("Authorization", basic(ConsoleBrowserTest.ADMIN, ConsoleBrowserTest.PASSWORD))).body());
            assertThat(held.get("total").asInt()).isEqualTo(1);

            assertThat(send(HttpRequest.newBuilder(queue).header("Authorization", basic("bob@localhost", "bob's own password")))
                    .statusCode()).isEqualTo(401);

            assertThat(send(HttpRequest.newBuilder(URI.create(server.webUrl() + "/api/v1/session")).header("Cookie", cookie)
                    .header("X-Tern-CSRF", csrf).DELETE()).statusCode()).isEqualTo(204);
            assertThat(send(HttpRequest.newBuilder(queue).header("Cookie", cookie)).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void foldersDeleteAndRecentLog() throws Exception {
        try (TestServer server = ConsoleBrowserTest.start(data)) {
            String auth = basic(ConsoleBrowserTest.ADMIN, ConsoleBrowserTest.PASSWORD);
            String base = server.webUrl() + "/api/v1";
            String queued = QueueCommandWireTest.submit(server, "one@remote.example");
            long first = ConsoleBrowserTest.appendOverImap(server, "Projects.2026", "first");
            String folder = base + "/mailboxes/" + ConsoleBrowserTest.ADMIN + "/Projects.2026/messages";

            JsonNode folders = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "/mailboxes/" + ConsoleBrowserTest.ADMIN))
                    .header("Authorization", auth)).body());
            assertThat(folders.get("folders").findValuesAsText("name")).contains("INBOX", "Junk", "Projects", "Projects.2026");
            JsonNode page = JSON.readTree(send(HttpRequest.newBuilder(URI.create(folder)).header("Authorization", auth)).body());
            assertThat(page.get("total").asInt()).isEqualTo(1);
            assertThat(page.get("messages").get(0).get("uid").asLong()).isEqualTo(first);
            assertThat(page.get("messages").get(0).get("subject").asText()).isEqualTo("first");
            assertThat(send(HttpRequest.newBuilder(URI.create(base + "/mailboxes/" + ConsoleBrowserTest.ADMIN + "/Nope/messages"))
                    .header("Authorization", auth)).statusCode()).isEqualTo(404);

            // A session must send its CSRF token to delete; Basic needs none.
            HttpResponse<String> ok = login(server, ConsoleBrowserTest.ADMIN, ConsoleBrowserTest.PASSWORD);
            String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            URI message = URI.create(folder + "/" + first);
            assertThat(send(HttpRequest.newBuilder(message).header("Cookie", cookie).DELETE()).statusCode()).isEqualTo(403);
            String csrf = JSON.readTree(ok.body()).get("csrf").asText();
            assertThat(send(HttpRequest.newBuilder(message).header("Cookie", cookie).header("X-Tern-CSRF", csrf).DELETE())
                    .statusCode()).isEqualTo(204);
            assertThat(send(HttpRequest.newBuilder(message).header("Authorization", auth)).statusCode()).isEqualTo(404);
            assertThat(send(HttpRequest.newBuilder(message).header("Authorization", auth).DELETE()).statusCode()).isEqualTo(404);
            assertThat(send(HttpRequest.newBuilder(URI.create(folder + "/x")).header("Authorization", auth).DELETE())
                    .statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(send(HttpRequest.newBuilder(URI.create(folder)).header("Authorization", auth)).body())
                    .get("total").asInt()).isZero();
            // The same index IMAP reads: the UID is gone, and a new message gets a higher one (never reused).
            assertThat(ConsoleBrowserTest.imap(server, """
                    typ, data = M.select('Projects.2026')
                    print(int(data[0]))
                    """)).isEqualTo("0");
            assertThat(ConsoleBrowserTest.appendOverImap(server, "Projects.2026", "second")).isGreaterThan(first);

            URI log = URI.create(base + "/log?level=info&limit=1000");
            assertThat(send(HttpRequest.newBuilder(log)).statusCode()).isEqualTo(401);
            JsonNode recent = JSON.readTree(send(HttpRequest.newBuilder(log).header("Authorization", auth)).body());
            assertThat(recent.get("recording").asBoolean()).as("slf4j.provider is set for this module's tests").isTrue();
            assertThat(recent.get("records").findValuesAsText("message")).anyMatch(m -> m.contains("queued id=" + queued));
            assertThat(recent.get("records").findValuesAsText("level")).doesNotContain("debug", "trace");
            JsonNode warnings = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "/log?level=WARN"))
                    .header("Authorization", auth)).body());
            assertThat(warnings.get("records").findValuesAsText("level")).allMatch(l -> l.equals("warn") || l.equals("error"));
            for (String bad : new String[] {"level=loud", "limit=0", "limit=1001"}) {
                HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create(base + "/log?" + bad)).header("Authorization", auth));
                assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            }
        }
    }

    @Test
    void pagingSearchAndNotFound() throws Exception {
        try (TestServer server = ConsoleBrowserTest.start(data)) {
            String auth = basic(ConsoleBrowserTest.ADMIN, ConsoleBrowserTest.PASSWORD);
            String first = QueueCommandWireTest.submit(server, "one@remote.example");
            QueueCommandWireTest.submit(server, "two@remote.example");
            String third = QueueCommandWireTest.submit(server, "three@other.example");
            String base = server.webUrl() + "/api/v1";

            JsonNode page = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "/queue?offset=1&limit=1"))
                    .header("Authorization", auth)).body());
            assertThat(page.get("total").asInt()).isEqualTo(3);
            assertThat(page.get("messages")).hasSize(1);
            JsonNode search = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "/queue?q=OTHER.example"))
                    .header("Authorization", auth)).body());
            assertThat(search.get("total").asInt()).isEqualTo(1);
            assertThat(search.get("messages").get(0).get("id").asText()).isEqualTo(third);

            HttpResponse<String> detail = send(HttpRequest.newBuilder(URI.create(base + "/queue/" + first)).header("Authorization", auth));
            JsonNode recipient = JSON.readTree(detail.body()).get("recipients").get(0);
            assertThat(recipient.get("address").asText()).isEqualTo("one@remote.example");
            assertThat(recipient.get("status").asText()).isEqualTo("pending");

            HttpResponse<String> badLimit = send(HttpRequest.newBuilder(URI.create(base + "/queue?limit=0")).header("Authorization", auth));
            assertThat(badLimit.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(badLimit.body()).get("error").get("field").asText()).isEqualTo("limit");
            for (String path : new String[] {"/queue/NOSUCHID", "/queue/bad-id!", "/mailboxes/nobody@nowhere.example/INBOX/messages",
                    "/mailboxes/alice@localhost/INBOX/messages/nosuch"}) {
                HttpResponse<String> missing = send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", auth));
                assertThat(missing.statusCode()).as(path).isEqualTo(404);
                assertThat(missing.body()).as(path).contains("\"not_found\"");
            }
            JsonNode accounts = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "/accounts"))
                    .header("Authorization", auth)).body());
            assertThat(accounts.get("accounts").get(0).get("username").asText()).isEqualTo(ConsoleBrowserTest.ADMIN);
            assertThat(accounts.get("accounts").get(0).get("admin").asBoolean()).isTrue();
            assertThat(dev.tern.app.Main.run(new java.io.PrintWriter(new java.io.StringWriter()),
                    new java.io.PrintWriter(new java.io.StringWriter()), "dkim", "keygen", "localhost", "--data", data.toString()))
                    .isZero();
            JsonNode dkim = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "/dkim")).header("Authorization", auth)).body());
            assertThat(dkim.get("keys").get(0).get("domain").asText()).isEqualTo("localhost");
            assertThat(dkim.get("keys").get(0).get("dns_record").asText()).contains("p=");
            JsonNode health = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "/health")).header("Authorization", auth)).body());
            assertThat(health.get("queue").get("total").asInt()).isEqualTo(3);

            ConsoleBrowserTest.deliverHtml(server, "with an attachment");
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
            while (server.newMessages("bob", "localhost").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20); // local delivery runs on the queue runner; no event to await
            }
            String inbox = base + "/mailboxes/bob@localhost/INBOX/messages";
            JsonNode listing = JSON.readTree(send(HttpRequest.newBuilder(URI.create(inbox)).header("Authorization", auth)).body());
            String uid = listing.get("messages").get(0).get("uid").asText();
            JsonNode folders = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "/mailboxes/bob@localhost"))
                    .header("Authorization", auth)).body());
            assertThat(folders.get("folders").findValuesAsText("name")).contains("INBOX");
            JsonNode read = JSON.readTree(send(HttpRequest.newBuilder(URI.create(inbox + "/" + uid)).header("Authorization", auth)).body());
            assertThat(read.get("subject").asText()).isEqualTo("with an attachment");
            assertThat(read.get("text").asText()).isEqualTo("plain words for bob");
            assertThat(read.get("attachments").get(0).get("filename").asText()).isEqualTo("notes.txt");
            HttpResponse<String> file = send(HttpRequest.newBuilder(URI.create(inbox + "/" + uid + "/attachments/0"))
                    .header("Authorization", auth));
            assertThat(file.body()).isEqualTo("attached notes");
            assertThat(file.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment; filename=\"notes.txt\"");
            assertThat(send(HttpRequest.newBuilder(URI.create(inbox + "/" + uid + "/attachments/1")).header("Authorization", auth))
                    .statusCode()).isEqualTo(404);
            HttpResponse<String> html = send(HttpRequest.newBuilder(URI.create(inbox + "/" + uid + "/html")).header("Authorization", auth));
            assertThat(html.headers().firstValue("Content-Security-Policy").orElseThrow()).startsWith("sandbox; default-src 'none'");
            assertThat(html.body()).contains("rendered html").doesNotContain("<script", "127.0.0.1:9");
            assertThat(read.get("remote_images_blocked").asInt()).isEqualTo(1);

            HttpResponse<String> openapi = send(HttpRequest.newBuilder(URI.create(base + "/openapi.yaml")));
            assertThat(openapi.statusCode()).isEqualTo(200);
            assertThat(openapi.body()).startsWith("openapi: 3.1.0").contains("/api/v1/queue/{id}/hold:",
                    "/api/v1/mailboxes/{user}/{folder}/messages/{uid}/html:");
            HttpResponse<String> page2 = send(HttpRequest.newBuilder(URI.create(server.webUrl() + "/console/")));
            assertThat(page2.statusCode()).isEqualTo(200);
            assertThat(page2.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'self'");
            assertThat(page2.headers().firstValue("X-Frame-Options")).contains("DENY");
        }
    }
}
