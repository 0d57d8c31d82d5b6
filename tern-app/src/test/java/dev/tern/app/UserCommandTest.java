package dev.tern.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.auth.AccountStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserCommandTest {
    private static final String NL = System.lineSeparator();
    private final InputStream stdin = System.in;

    @TempDir
    Path dir;

    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    @AfterEach
    void restoreStdin() {
        System.setIn(stdin);
    }

    /** Runs {@code tern args} with {@code input} as standard input; out and err start empty each time. */
    private int tern(String input, String... args) {
        out = new StringWriter();
        err = new StringWriter();
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        return Main.run(new PrintWriter(out), new PrintWriter(err), args);
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    private boolean passwordMatches(String user, String password) throws Exception {
        return AccountStore.open(dir.resolve("data")).find(user).orElseThrow().passwordHash().matches(password);
    }

    @Test
    void addThenListThenLogInWithThePassword() throws Exception {
        assertThat(tern("correct horse\n", "user", "add", "Alice@Example.com", "--password-stdin", "--data", data())).isZero();
        assertThat(out.toString()).isEqualTo("added alice@example.com" + NL);
        assertThat(err.toString()).isEmpty();

        assertThat(tern("", "user", "list", "--data", data())).isZero();
        assertThat(out.toString()).isEqualTo("alice@example.com" + NL);
        assertThat(passwordMatches("alice@example.com", "correct horse")).isTrue();
        assertThat(Files.readString(dir.resolve("data/accounts"))).doesNotContain("correct horse");
    }

    @Test
    void passwordLineEndingIsNotPartOfThePassword() throws Exception {
        assertThat(tern("p\u00e4ssword 1\r\nsecond line\n", "user", "add", "bob@example.com", "--password-stdin", "--data", data())).isZero();

        assertThat(passwordMatches("bob@example.com", "p\u00e4ssword 1")).isTrue();
    }

    @Test
    void passwdChangesThePassword() throws Exception {
        tern("old password\n", "user", "add", "alice@example.com", "--password-stdin", "--data", data());

        assertThat(tern("new password\n", "user", "passwd", "alice@example.com", "--password-stdin", "--data", data())).isZero();

        assertThat(out.toString()).isEqualTo("password changed for alice@example.com" + NL);
        assertThat(passwordMatches("alice@example.com", "new password")).isTrue();
        assertThat(out.toString() + err).doesNotContain("password\n").doesNotContain("new password");
    }

    @Test
    void delRemovesTheAccount() {
        tern("password-a\n", "user", "add", "alice@example.com", "--password-stdin", "--data", data());
        tern("password-b\n", "user", "add", "bob@example.com", "--password-stdin", "--data", data());

        assertThat(tern("", "user", "del", "alice@example.com", "--data", data())).isZero();
        assertThat(out.toString()).isEqualTo("deleted alice@example.com" + NL);

        tern("", "user", "list", "--data", data());
        assertThat(out.toString()).isEqualTo("bob@example.com" + NL);
    }

    @Test
    void listWithNoAccountsPrintsNothing() {
        assertThat(tern("", "user", "list", "--data", data())).isZero();
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void refusalsExitOneWithTheReason() {
        tern("password-a\n", "user", "add", "alice@example.com", "--password-stdin", "--data", data());

        assertThat(tern("password-b\n", "user", "add", "alice@example.com", "--password-stdin", "--data", data())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("tern: account alice@example.com exists" + NL);
        assertThat(tern("short\n", "user", "add", "bob@example.com", "--password-stdin", "--data", data())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("tern: password must have at least 8 characters" + NL);
        assertThat(tern("password-b\n", "user", "add", "bob", "--password-stdin", "--data", data())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("tern: username must be an email address such as alice@example.com" + NL);
        assertThat(tern("", "user", "add", "bob@example.com", "--password-stdin", "--data", data())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("tern: no password on standard input" + NL);
        assertThat(tern("password-b\n", "user", "passwd", "bob@example.com", "--password-stdin", "--data", data())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("tern: no account bob@example.com" + NL);
        assertThat(tern("", "user", "del", "bob@example.com", "--data", data())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("tern: no account bob@example.com" + NL);
    }

    @Test
    void withoutPasswordStdinAndNoTerminalSaysWhatToDo() {
        assertThat(tern("password-a\n", "user", "add", "alice@example.com", "--data", data())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("tern: no terminal to ask for the password; use --password-stdin" + NL);
    }

    @Test
    void configFileGivesTheDataDirectory() throws Exception {
        Path config = Files.writeString(dir.resolve("tern.yaml"), "data_dir: " + data() + "\n");

        assertThat(tern("password-a\n", "user", "add", "alice@example.com", "--password-stdin", "--config", config.toString())).isZero();

        assertThat(dir.resolve("data/accounts")).exists();
    }

    @Test
    void invalidConfigFileIsAUsageError() throws Exception {
        Path config = Files.writeString(dir.resolve("tern.yaml"), "data_dri: x\n");

        assertThat(tern("", "user", "list", "--config", config.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo(config + ": data_dri: unknown key" + NL);
    }

    @Test
    void commandLineMistakesExitTwo() {
        assertThat(tern("", "user", "add", "--password-stdin", "--data", data())).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required parameter: 'USER'");
        assertThat(tern("", "user", "list", "--data", data(), "--config", "x.yaml")).isEqualTo(2);
        assertThat(err.toString()).contains("mutually exclusive");
        assertThat(tern("", "user", "frobnicate")).isEqualTo(2);
    }

    @Test
    void brokenAccountsFileIsReportedByLine() throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/accounts"), "v1\tnot valid\n");

        assertThat(tern("", "user", "list", "--data", data())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("tern: accounts line 1: expected 4 tab-separated fields" + NL);
    }
}
