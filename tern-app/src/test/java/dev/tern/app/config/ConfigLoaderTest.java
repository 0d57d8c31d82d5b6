package dev.tern.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.app.TernConfig;
import dev.tern.mail.Domain;
import dev.tern.mail.Mailbox;
import dev.tern.server.SubmissionLimitSettings;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # unknown keys
        {hostnme: mail.example.com}                           | hostnme                    | unknown key
        {tls: {certificates: [{fullchain: a.pem}]}}           | tls.certificates[0].private_key | required
        {tls: {certificates: {fullchain: a.pem}}}             | tls.certificates           | expected a list
        {tls: {certificates: [{fullchain: a, private_key: b, x: 1}]}} | tls.certificates[0].x | unknown key
        {tls: {ciphers: all}}                                 | tls.ciphers                | unknown key
        {auth: {plaintext_on_loopback: maybe}}                | auth.plaintext_on_loopback | expected
        {submission: {listen: ['127.0.0.1:2525']}}            | submission.listen          | more than one listener
        {submission: {check_sender: 3}}                       | submission.check_sender    | expected
        {smtp: {listen: ['127.0.0.1:25'], port: 25}}          | smtp.port                  | unknown key
        {limits: {max_conections: 5}}                         | limits.max_conections      | unknown key
        {delivery: {retry: 1m}}                               | delivery.retry             | unknown key
        # wrong types
        {smtp: {backlog: lots}}                               | smtp.backlog               | expected a number
        {smtp: {backlog: '100'}}                              | smtp.backlog               | expected a number
        {smtp: {backlog: 1.5}}                                | smtp.backlog               | expected a number
        {vrfy: yes}                                           | vrfy                       | expected true or false
        {hostname: [a, b]}                                    | hostname                   | expected a string
        {hostname: !custom mail.example.com}                  | hostname                   | expected a string
        {smtp: [a]}                                           | smtp                       | expected a mapping
        {users: {alice: x}}                                   | users                      | expected a list
        {delivery: {concurrency: 99999999999999999999}}       | delivery.concurrency       | number too large
        {delivery: {concurrency: 3000000000}}                 | delivery.concurrency       | at most 2147483647
        # durations
        {limits: {idle_timeout: 5 minutes}}                   | limits.idle_timeout        | expected a duration
        {limits: {idle_timeout: 300}}                         | limits.idle_timeout        | expected a duration
        {limits: {session_timeout: 1w}}                       | limits.session_timeout     | expected a duration
        {delivery: {first_retry: 0s}}                         | delivery.first_retry       | longer than zero
        # sizes
        {limits: {max_message_size: 32MB}}                    | limits.max_message_size    | expected a size
        {limits: {max_message_size: -1}}                      | limits.max_message_size    | expected a size
        {limits: {max_header_size: 4GiB}}                     | limits.max_header_size     | at most 2147483647
        {limits: {max_message_size: 99999999999GiB}}          | limits.max_message_size    | too large
        # listen addresses (host:port, IPv6 in brackets, ports 0-65535)
        {smtp: {listen: ['127.0.0.1']}}                       | smtp.listen[0]             | expected address:port
        {smtp: {listen: ['127.0.0.1:25', '::1:25']}}          | smtp.listen[1]             | needs brackets
        {smtp: {listen: ['mail.example.com:25']}}             | smtp.listen[0]             | expected an IP address
        {smtp: {listen: ['300.0.0.1:25']}}                    | smtp.listen[0]             | expected an IP address
        {smtp: {listen: ['[::1]']}}                           | smtp.listen[0]             | [IPv6 address]:port
        {smtp: {listen: ['[::g]:25']}}                        | smtp.listen[0]             | invalid IPv6 address
        {smtp: {listen: ['127.0.0.1:65536']}}                 | smtp.listen[0]             | 0 to 65535
        {smtp: {listen: ['[::1]:-1']}}                        | smtp.listen[0]             | 0 to 65535
        {smtp: {listen: ['127.0.0.1:smtp']}}                  | smtp.listen[0]             | 0 to 65535
        {smtp: {listen: []}}                                  | smtp.listen                | at least one address
        {smtp: {listen: ['127.0.0.1:25', '127.0.0.1:25']}}    | smtp.listen[1]             | listed twice
        {limits: {exempt_networks: ['10.0.0.0/33']}}          | limits.exempt_networks[0]  | prefix length
        {limits: {exempt_networks: ['10.0.0/8']}}             | limits.exempt_networks[0]  | expected an IP address
        # bounds of the settings records, reported under the key that holds the value (issue #6: not by
        # matching field names in the record's message)
        {limits: {max_recipients: 10}}                        | limits.max_recipients      | at least 100
        {limits: {max_command_line: 100}}                     | limits.max_command_line    | at least 512
        {limits: {max_text_line: 998}}                        | limits.max_text_line       | at least 1000
        {limits: {max_header_size: 1000}}                     | limits.max_header_size     | at least 1024
        {limits: {max_message_size: 1000}}                    | limits.max_message_size    | at least 1024
        {limits: {max_connections: 0}}                        | limits.max_connections     | at least 1
        {limits: {max_connections_per_ip: 0}}                 | limits.max_connections_per_ip | at least 1
        {limits: {max_messages_per_session: 0}}               | limits.max_messages_per_session | at least 1
        {limits: {max_errors: 0}}                             | limits.max_errors          | at least 1
        {limits: {max_hops: 0}}                               | limits.max_hops            | at least 1
        {smtp: {backlog: 0}}                                  | smtp.backlog               | at least 1
        {delivery: {concurrency: 0}}                          | delivery.concurrency       | at least 1
        # retry delays in order: the mistake is under the key the file gives (the later one when both are)
        {delivery: {first_retry: 2h, max_retry: 1h}}          | delivery.max_retry         | not be shorter than delivery.first_retry
        {delivery: {first_retry: 2h}}                         | delivery.first_retry       | not be longer than delivery.max_retry
        {delivery: {max_retry: 10d}}                          | delivery.max_retry         | not be longer than delivery.max_queue_time
        {delivery: {max_queue_time: 30m}}                     | delivery.max_queue_time    | not be shorter than delivery.max_retry
        {delivery: {max_retry: 10d, max_queue_time: 6d}}      | delivery.max_queue_time    | not be shorter than delivery.max_retry
        # hourly submission limits: whole numbers of at least 1
        {submission: {max_messages_per_hour_per_user: 0}}     | submission.max_messages_per_hour_per_user   | at least 1
        {submission: {max_recipients_per_hour_per_user: -5}}  | submission.max_recipients_per_hour_per_user | at least 1
        {submission: {max_messages_per_hour_per_ip: lots}}    | submission.max_messages_per_hour_per_ip     | expected a number
        {submission: {max_recipients_per_hour_per_ip: 1.5}}   | submission.max_recipients_per_hour_per_ip   | expected a number
        {submission: {max_messages_per_hour: 10}}             | submission.max_messages_per_hour            | unknown key
        # hostname and domains
        {hostname: 'mail_example.com'}                        | hostname                   | invalid domain
        {hostname: '[192.0.2.1]'}                             | hostname                   | address literal
        {domains: []}                                         | domains                    | at least one domain
        {domains: ['[127.0.0.1]']}                            | domains[0]                 | address literal
        {domains: [example.com, EXAMPLE.com]}                 | domains[1]                 | listed twice
        # users, aliases and lists
        {users: [alice@example.net]}                          | users[0]                   | not one of the local domains
        {domains: [example.com], users: [a@example.com, b@example.net]} | users[1]         | example.net is not
        {domains: [example.com], users: [alice, b@example.com]}         | users[0]         | expected an address
        {domains: [example.com], users: ['a b@example.com']}            | users[0]         | expected an address
        {domains: [example.com], users: [a@example.com, A@example.com]} | users[1]         | already defined as a user
        {domains: [example.com], aliases: {info@example.com: [not-an-address]}}     | aliases.info@example.com[0] | expected an address
        {domains: [example.com], aliases: {info@example.com: [nobody@example.com]}} | aliases.info@example.com[0] | no user, alias or list
        {domains: [example.com], aliases: {info@example.com: nobody@example.com}}   | aliases.info@example.com    | no user, alias or list
        {domains: [example.com], aliases: {info@example.org: [x@elsewhere.example]}} | aliases.info@example.org   | not one of the local domains
        {domains: [example.com], aliases: {info@example.com: []}}                   | aliases.info@example.com    | at least one address
        {domains: [example.com], aliases: {info@example.com: }}                     | aliases.info@example.com    | at least one address
        {domains: [example.com], aliases: {info: [x@elsewhere.example]}}            | aliases.info                | expected an address
        {domains: [example.com], users: [a@example.com], lists: {a@example.com: [b@x.example]}} | lists.a@example.com | already defined as a user
        {domains: [example.com], aliases: {l@example.com: [b@x.example]}, lists: {l@example.com: [c@x.example]}} | lists.l@example.com | already defined as an alias
        {subaddress_separator: '++'}                          | subaddress_separator       | one character
        {subaddress_separator: 'x'}                           | subaddress_separator       | one character
        # duplicate keys
        {hostname: a.example, hostname: b.example}            | hostname                   | duplicate key
        {limits: {max_errors: 5, max_errors: 6}}              | limits.max_errors          | duplicate key
        # the file as a whole
        [1, 2]                                                | ""                         | expected a mapping
        {a: [}                                                | ""                         | line 1
        "a: 1\\n---\\nb: 2"                                   | ""                         | single document
        """)
    void rejectsMistakeUnderItsKey(String yaml, String key, String reason) {
        ConfigResult result = ConfigLoader.parse(yaml.replace("\\n", "\n"));

        assertThat(result).isInstanceOf(ConfigResult.Invalid.class);
        List<ConfigError> errors = ((ConfigResult.Invalid) result).errors();
        assertThat(errors).anySatisfy(e -> {
            assertThat(e.key()).isEqualTo(key);
            assertThat(e.reason()).contains(reason);
        });
        assertThat(errors).allSatisfy(e -> assertThat(e.reason()).doesNotContain("Exception", "\tat "));
    }

    /** The bounds held at each key are the records' own: the boundary value itself loads. */
    @ParameterizedTest
    @ValueSource(strings = {
        "{limits: {max_recipients: 100, max_command_line: 512, max_text_line: 1000}}",
        "{limits: {max_header_size: 1KiB, max_message_size: 1024, max_connections: 1, max_connections_per_ip: 1}}",
        "{limits: {max_messages_per_session: 1, max_errors: 1, max_hops: 1, idle_timeout: 1ms, session_timeout: 1ms}}",
        "{smtp: {backlog: 1}, delivery: {concurrency: 1, first_retry: 1h, max_retry: 1h, max_queue_time: 1h}}",
        "{delivery: {max_retry: 10d, max_queue_time: 10d}}",
    })
    void acceptsEachBoundaryValue(String yaml) {
        assertThat(ConfigLoader.parse(yaml)).isInstanceOf(ConfigResult.Loaded.class);
    }

    @Test
    void reportsEveryMistakeInOnePass() {
        ConfigResult result = ConfigLoader.parse("""
                hostnme: x
                smtp: {backlog: lots, listen: ["1.2.3.4:99999"]}
                limits: {idle_timeout: soon}
                """);

        assertThat(((ConfigResult.Invalid) result).errors()).extracting(ConfigError::key)
                .containsExactlyInAnyOrder("hostnme", "smtp.backlog", "smtp.listen[0]", "limits.idle_timeout");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "# only comments\n", "{}", "---\n", "hostname:\nsmtp:\nusers:\n"})
    void emptyFileKeepsDefaultsButListsNoUsers(String yaml) {
        TernConfig config = loaded(yaml);
        TernConfig defaults = TernConfig.defaults();

        assertThat(config.server()).isEqualTo(defaults.server());
        assertThat(config.session()).isEqualTo(defaults.session());
        assertThat(config.delivery()).isEqualTo(defaults.delivery());
        assertThat(config.dataDirectory()).isEqualTo(defaults.dataDirectory());
        assertThat(config.directory().domains()).containsExactly(Domain.parse("localhost"));
        assertThat(config.directory().anyLocalPart()).isFalse();
        assertThat(config.directory().users()).isEmpty();
    }

    @Test
    void noConfigFileMeansEveryLocalPartAtLocalhost() {
        TernConfig defaults = TernConfig.defaults();

        assertThat(defaults.directory().anyLocalPart()).isTrue();
        assertThat(defaults.directory().domains()).containsExactly(Domain.parse("localhost"));
        assertThat(defaults.server().smtpListeners()).containsExactly(new InetSocketAddress("127.0.0.1", 2525));
    }

    @Test
    void readsValuesIntoEachModulesSettings() {
        TernConfig config = loaded("""
                hostname: Mail.Example.COM
                data_dir: /var/lib/tern
                domains: [example.com]
                smtp:
                  listen: ["0.0.0.0:25", "[::]:25"]
                limits: {idle_timeout: 90s, max_message_size: 10MiB, max_header_size: 65536, max_hops: 30}
                vrfy: true
                users: [alice@example.com, Bob@Example.com]
                aliases:
                  abuse@example.com: alice-abuse@example.com
                  info@example.com: [postmaster@example.com, bob@example.com, x@elsewhere.example]
                lists: {team@example.com: [alice@example.com, info@example.com]}
                subaddress_separator: "-"
                delivery: {concurrency: 4, max_queue_time: 4d}
                submission: {max_messages_per_hour_per_user: 50, max_recipients_per_hour_per_ip: 300}
                """);

        assertThat(config.session().hostname()).isEqualTo("mail.example.com");
        assertThat(config.dataDirectory()).isEqualTo(Path.of("/var/lib/tern"));
        assertThat(config.server().smtpListeners()).hasSize(2);
        assertThat(config.server().smtpListeners().get(1).getAddress()).isInstanceOf(Inet6Address.class);
        assertThat(config.server().smtpListeners().get(1).getPort()).isEqualTo(25);
        assertThat(config.server().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.server().maxHeaderSize()).isEqualTo(65536);
        assertThat(config.session().maxMessageSize()).isEqualTo(10L << 20);
        assertThat(config.session().maxReceivedHeaders()).isEqualTo(30);
        assertThat(config.session().vrfyEnabled()).isTrue();
        assertThat(config.directory().users())
                .containsExactlyInAnyOrder(Mailbox.of("alice", "example.com"), Mailbox.of("Bob", "example.com"));
        assertThat(config.directory().aliases().get(Mailbox.of("abuse", "example.com")))
                .containsExactly(Mailbox.of("alice-abuse", "example.com"));
        assertThat(config.directory().lists()).containsOnlyKeys(Mailbox.of("team", "example.com"));
        assertThat(config.directory().subaddressSeparator()).isEqualTo("-");
        assertThat(config.delivery().concurrency()).isEqualTo(4);
        assertThat(config.delivery().maxQueueTime()).isEqualTo(Duration.ofDays(4));
        assertThat(config.delivery().firstRetry()).isEqualTo(TernConfig.defaults().delivery().firstRetry());
        assertThat(config.server().submissionLimits()).isEqualTo(new SubmissionLimitSettings(50, 1000, 400, 300));
    }

    @Test
    void subaddressTargetNeedsSeparatorToResolve() {
        String yaml = "{domains: [example.com], users: [alice@example.com], "
                + "aliases: {abuse@example.com: alice+abuse@example.com}, subaddress_separator: %s}";

        assertThat(ConfigLoader.parse(yaml.formatted("'+'"))).isInstanceOf(ConfigResult.Loaded.class);
        assertThat(ConfigLoader.parse(yaml.formatted("''"))).isInstanceOf(ConfigResult.Invalid.class);
    }

    @Test
    void exampleFileIsValid() {
        TernConfig config = loaded(Path.of("../config/tern.example.yaml"));

        assertThat(config.session().hostname()).isEqualTo("mail.example.com");
        assertThat(config.directory().domains())
                .isEqualTo(Set.of(Domain.parse("example.com"), Domain.parse("example.org")));
        assertThat(config.server().smtpListeners()).hasSize(2);
        assertThat(config.directory().users()).contains(Mailbox.of("alice", "example.com"));
        assertThat(config.directory().aliases()).containsKey(Mailbox.of("info", "example.com"));
        assertThat(config.delivery().maxQueueTime()).isEqualTo(Duration.ofDays(5));
        assertThat(config.server().submissionListeners()).hasSize(1);
        assertThat(config.server().smtpsListeners()).hasSize(1);
        assertThat(config.tls().certificates()).isEmpty();
        assertThat(config.checkSender()).isTrue();
    }

    @Test
    void exampleFileStatesTheBuiltInDefaults() {
        TernConfig config = loaded(Path.of("../config/tern.example.yaml"));
        TernConfig defaults = TernConfig.defaults();

        assertThat(config.server().withSmtpListeners(defaults.server().smtpListeners())).isEqualTo(defaults.server());
        assertThat(config.session().withHostname("localhost")).isEqualTo(defaults.session());
        assertThat(config.delivery().concurrency()).isEqualTo(defaults.delivery().concurrency());
        assertThat(config.delivery().firstRetry()).isEqualTo(defaults.delivery().firstRetry());
        assertThat(config.delivery().maxRetry()).isEqualTo(defaults.delivery().maxRetry());
    }

    // The loader's own limits: untrusted input has a bounded cost.

    @Test
    void refusesAliasExpansionBomb() {
        StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 10; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(9, "*a" + (i - 1)))).append("]\n");
        }

        assertThat(errors(ConfigLoader.parse(yaml.toString()))).singleElement()
                .satisfies(e -> assertThat(e.reason()).containsIgnoringCase("aliases"));
    }

    @Test
    void refusesDeepNesting() {
        String yaml = "users: " + "[".repeat(100_000) + "]".repeat(100_000);

        assertThat(errors(ConfigLoader.parse(yaml))).singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("nested too deeply"));
    }

    @Test
    void refusesOversizedFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.yaml");
        Files.writeString(file, "# " + "x".repeat(ConfigLoader.MAX_SIZE));

        assertThat(errors(ConfigLoader.load(file))).singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("larger than"));
        assertThat(errors(ConfigLoader.parse("# " + "x".repeat(ConfigLoader.MAX_SIZE)))).hasSize(1);
    }

    @Test
    void reportsUnreadableFiles(@TempDir Path dir) throws Exception {
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, new byte[] {'h', ':', ' ', (byte) 0xe9, '\n'});

        assertThat(errors(ConfigLoader.load(dir.resolve("missing.yaml")))).containsExactly(
                new ConfigError("", "file not found"));
        assertThat(errors(ConfigLoader.load(latin1))).containsExactly(
                new ConfigError("", "the file is not valid UTF-8"));
        assertThat(errors(ConfigLoader.load(dir))).singleElement()
                .satisfies(e -> assertThat(e.reason()).startsWith("cannot read"));
    }

    private static TernConfig loaded(String yaml) {
        return loaded(ConfigLoader.parse(yaml));
    }

    private static TernConfig loaded(Path file) {
        return loaded(ConfigLoader.load(file));
    }

    private static TernConfig loaded(ConfigResult result) {
        return switch (result) {
            case ConfigResult.Loaded loaded -> loaded.config();
            case ConfigResult.Invalid invalid -> throw new AssertionError("invalid: " + invalid.errors());
        };
    }

    private static List<ConfigError> errors(ConfigResult result) {
        assertThat(result).isInstanceOf(ConfigResult.Invalid.class);
        return ((ConfigResult.Invalid) result).errors();
    }
}
