package dev.tern.app.web.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.testbase.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A console session ends after 30 minutes without a request, by the web context's clock; each request renews it. */
class AdminSessionTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path data;

    private int get(AdminFixture fixture, String header, String value) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(fixture.url() + "/api/v1/health")).header(header, value).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void anIdleSessionIsRefusedAfterThirtyMinutes() throws Exception {
        MutableClock clock = new MutableClock();
        try (AdminFixture fixture = new AdminFixture(data, clock)) {
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(fixture.url() + "/api/v1/session"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + AdminFixture.ADMIN + "\",\"password\":\""
                            + AdminFixture.PASSWORD + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));

            clock.advance(Duration.ofMinutes(29));
            assertThat(get(fixture, "Cookie", cookie)).as("used within 30 minutes").isEqualTo(200);
            clock.advance(Duration.ofMinutes(30)); // 59 minutes after the login, but exactly 30 after the last use
            assertThat(get(fixture, "Cookie", cookie)).as("idle exactly 30 minutes").isEqualTo(200);
            clock.advance(AdminAuth.IDLE.plusSeconds(1));
            assertThat(get(fixture, "Cookie", cookie)).as("idle past 30 minutes").isEqualTo(401);
            clock.advance(Duration.ofSeconds(-1)); // the session was dropped: going back does not revive it
            assertThat(get(fixture, "Cookie", cookie)).isEqualTo(401);
            String basic = "Basic " + Base64.getEncoder().encodeToString(
                    (AdminFixture.ADMIN + ":" + AdminFixture.PASSWORD).getBytes(StandardCharsets.UTF_8));
            assertThat(get(fixture, "Authorization", basic)).as("Basic has no session to expire").isEqualTo(200);
        }
    }
}
