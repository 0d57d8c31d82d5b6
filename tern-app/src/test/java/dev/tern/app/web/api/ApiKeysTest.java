package dev.tern.app.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's {@link ApiKeys} remembers secrets that matched; {@code tern apikey} is another instance on the same
 * file, as the CLI is another process. A key it deletes must stop working at the server's next request.
 */
class ApiKeysTest {
    @TempDir
    Path data;

    @Test
    void aKeyDeletedInTheSameClockTickAsTheLastReadIsForgotten() throws Exception {
        ApiKeys server = new ApiKeys(data);
        ApiKeys cli = new ApiKeys(data);
        String gone = cli.add("gone", 10, List.of());
        String kept = cli.add("kept", 10, List.of());
        assertThat(server.authenticate(gone)).map(ApiKeys.Key::name).hasValue("gone");
        assertThat(server.authenticate(gone)).as("remembered").map(ApiKeys.Key::name).hasValue("gone");
        FileTime read = Files.getLastModifiedTime(server.file());
        assertThat(cli.delete("gone")).isTrue();
        // The file's time moves in clock ticks: a delete right after the server's read can leave it the same.
        Files.setLastModifiedTime(server.file(), read);
        assertThat(server.authenticate(gone)).isEmpty();
        assertThat(server.authenticate(kept)).map(ApiKeys.Key::name).hasValue("kept");
    }

    @Test
    void aRemovedFileForgetsTheSecretsRemembered() throws Exception {
        ApiKeys server = new ApiKeys(data);
        String secret = new ApiKeys(data).add("app", 10, List.of());
        assertThat(server.authenticate(secret)).isPresent();
        assertThat(server.authenticate(secret)).as("remembered").isPresent();
        Files.delete(server.file());
        assertThat(server.authenticate(secret)).isEmpty();
    }

    @Test
    void anUnknownOrAlteredSecretMatchesNothing() throws Exception {
        ApiKeys server = new ApiKeys(data);
        String secret = new ApiKeys(data).add("app", 10, List.of());
        assertThat(server.authenticate(secret)).isPresent();
        assertThat(server.authenticate(secret.substring(0, secret.length() - 1) + "x")).isEmpty();
        assertThat(server.authenticate(secret + "x")).isEmpty();
        assertThat(server.authenticate("")).isEmpty();
    }
}
