package dev.tern.testkit;

import dev.tern.testbase.RequiredTool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Postfix as the DSN-capable next hop (issue 7): a private instance (its own config, queue and log
 * directories, as {@code bench/postfix-setup.sh} makes one) on 127.0.0.15, which puts everything it accepts on
 * hold, so its queue file shows what Tern passed on: {@code postcat} prints the envelope's ENVID, RET, NOTIFY
 * and ORCPT records (RFC 3461 §4). Needs root (Postfix's master drops privileges itself) and Debian's
 * {@code postfix}; stopped by its master's PID.
 */
class PostfixNextHopTest {
    private static final String ADDRESS = "127.0.0.15";
    private static final Path POSTFIX = Path.of("/usr/sbin/postfix");
    private static final Path POSTCAT = Path.of("/usr/sbin/postcat");
    private static final Duration STEP = Duration.ofSeconds(20);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;
    @TempDir
    Path senderData;

    Path base;
    long masterPid = -1;
    TestDns dns;
    TestServer sender;

    @BeforeEach
    void start() throws Exception {
        RequiredTool.requireExecutable(POSTFIX, "postfix");
        RequiredTool.require("root".equals(System.getProperty("user.name")), "a private Postfix instance needs root");
        dns = TestDns.start();
        int port = OutboundFixture.freePort(ADDRESS);
        base = work.resolve("postfix");
        startPostfix(port);
        dns.mx("far.example", 10, "mx.far.example").a("mx.far.example", ADDRESS);
        sender = OutboundFixture.sender(senderData, dns, port, Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() throws Exception {
        if (sender != null) sender.close();
        if (dns != null) dns.close();
        if (masterPid > 0) stopPostfix();
    }

    @Test
    void envidRetNotifyAndOrcptArePassedOnToPostfix() throws Exception {
        OutboundFixture.submit(sender, "MAIL FROM:<alice@localhost> RET=HDRS ENVID=env+2Done",
                List.of("RCPT TO:<bob@far.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Bob@far.example",
                        "RCPT TO:<carol@far.example> NOTIFY=NEVER"),
                "Subject: to postfix\r\n\r\n" + OutboundFixture.END);
        String queueId = awaitHeldMessage();
        String envelope = run(POSTCAT.toString(), "-c", base.resolve("etc").toString(), "-e", "-q", queueId);
        System.out.println("PostfixNextHopTest: postcat -e -q " + queueId + ":\n" + envelope);
        // Postfix's records: RET=HDRS is ret_flags 2; NOTIFY NEVER 1, SUCCESS 2, FAILURE 4, DELAY 8 (dsn.h).
        assertThat(envelope).contains("envelope_id=env-one").contains("ret_flags=2");
        assertThat(recipientRecords(envelope, "bob@far.example")).contains("notify_flags=6")
                .contains("dsn_orig_rcpt=rfc822;Bob@far.example");
        assertThat(recipientRecords(envelope, "carol@far.example")).contains("notify_flags=1");
        // Postfix took both: no DSN from Tern (NOTIFY=SUCCESS is now Postfix's to report).
        assertThat(sender.awaitMessages("alice", "localhost", 1, Duration.ofMillis(500))).isEmpty();
    }

    /** The records in front of a recipient record: Postfix writes ORCPT and NOTIFY before the recipient. */
    private static String recipientRecords(String envelope, String recipient) {
        int at = envelope.indexOf("\nrecipient: " + recipient);
        assertThat(at).as("recipient %s in %s", recipient, envelope).isNotNegative();
        int previous = envelope.lastIndexOf("\nrecipient: ", at - 1);
        return envelope.substring(previous < 0 ? 0 : previous + 1, at);
    }

    /** Polls {@code postqueue -j} (bounded) until one message is in the hold queue, and returns its id. */
    private String awaitHeldMessage() throws Exception {
        Pattern held = Pattern.compile("\"queue_name\": *\"hold\", *\"queue_id\": *\"([0-9A-Za-z]+)\"");
        long until = System.nanoTime() + STEP.toNanos();
        String listing = "";
        while (System.nanoTime() < until) {
            listing = run("/usr/sbin/postqueue", "-c", base.resolve("etc").toString(), "-j");
            Matcher m = held.matcher(listing);
            if (m.find()) return m.group(1);
            Thread.sleep(50); // polling Postfix's queue with a deadline; there is no event to await
        }
        throw new AssertionError("no held message at Postfix: " + listing + "\nlog:\n" + log()
                + "\nTern's queue: " + OutboundFixture.queue(senderData));
    }

    private String log() throws IOException {
        Path maillog = base.resolve("maillog");
        return Files.exists(maillog) ? Files.readString(maillog) : "(no maillog)";
    }

    private void startPostfix(int port) throws Exception {
        for (Path dir = base.getParent(); dir != null && dir.startsWith(work.getParent()); dir = dir.getParent()) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        for (String sub : List.of("etc", "queue", "data", "mail")) Files.createDirectories(base.resolve(sub));
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        run("chown", "postfix:postfix", base.resolve("data").toString(), base.resolve("mail").toString());
        Path etc = base.resolve("etc");
        // Postfix wants its standard lookup files in the config directory.
        if (Files.exists(Path.of("/etc/postfix/dynamicmaps.cf"))) {
            Files.copy(Path.of("/etc/postfix/dynamicmaps.cf"), etc.resolve("dynamicmaps.cf"));
        }
        if (Files.isDirectory(Path.of("/etc/postfix/dynamicmaps.cf.d"))) {
            run("cp", "-r", "/etc/postfix/dynamicmaps.cf.d", etc.toString());
        }
        Files.writeString(etc.resolve("main.cf"), """
                compatibility_level = 3.6
                config_directory = %1$s/etc
                queue_directory = %1$s/queue
                data_directory = %1$s/data
                meta_directory = /etc/postfix
                command_directory = /usr/sbin
                daemon_directory = /usr/lib/postfix/sbin
                shlib_directory = /usr/lib/postfix
                mail_owner = postfix
                setgid_group = postdrop
                myhostname = postfix.far.example
                mydomain = far.example
                myorigin = far.example
                # Postfix wants interface addresses here; the smtpd in master.cf listens on %2$s all the same.
                inet_interfaces = 127.0.0.1
                inet_protocols = ipv4
                mynetworks = 127.0.0.0/8
                maillog_file = %1$s/maillog
                maillog_file_prefixes = %1$s
                biff = no
                mydestination =
                local_recipient_maps =
                relay_domains =
                virtual_mailbox_domains = far.example
                virtual_mailbox_base = %1$s/mail
                virtual_mailbox_maps = static:far.example/catchall/
                virtual_uid_maps = static:%3$s
                virtual_gid_maps = static:%4$s
                virtual_minimum_uid = 1
                smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
                # Everything accepted is put on hold: its queue file stays for postcat.
                smtpd_recipient_restrictions = check_client_access static:HOLD
                default_transport = error:this instance does not relay
                relay_transport = error:this instance does not relay
                smtpd_peername_lookup = no
                smtpd_error_sleep_time = 0
                in_flow_delay = 0s
                """.formatted(base, ADDRESS, run("id", "-u", "postfix").strip(), run("id", "-g", "postfix").strip()));
        Files.writeString(etc.resolve("master.cf"), """
                %s:%d inet n - n - 10 smtpd
                pickup    unix  n       -       n       60      1       pickup
                cleanup   unix  n       -       n       -       0       cleanup
                qmgr      unix  n       -       n       300     1       qmgr
                rewrite   unix  -       -       n       -       -       trivial-rewrite
                bounce    unix  -       -       n       -       0       bounce
                defer     unix  -       -       n       -       0       bounce
                trace     unix  -       -       n       -       0       bounce
                verify    unix  -       -       n       -       1       verify
                proxymap  unix  -       -       n       -       -       proxymap
                showq     unix  n       -       n       -       -       showq
                error     unix  -       -       n       -       -       error
                retry     unix  -       -       n       -       -       error
                virtual   unix  -       n       n       -       -       virtual
                anvil     unix  -       -       n       -       1       anvil
                scache    unix  -       -       n       -       1       scache
                postlog   unix-dgram n  -       n       -       1       postlogd
                """.formatted(ADDRESS, port));
        runQuietly(POSTFIX.toString(), "-c", etc.toString(), "set-permissions");
        run(POSTFIX.toString(), "-c", etc.toString(), "start");
        Path pidFile = base.resolve("queue").resolve("pid").resolve("master.pid");
        long until = System.nanoTime() + STEP.toNanos();
        while (masterPid < 0 && System.nanoTime() < until) {
            if (Files.exists(pidFile) && !Files.readString(pidFile).isBlank()) masterPid = Long.parseLong(Files.readString(pidFile).strip());
            else Thread.sleep(20); // polling for the pid file with a deadline
        }
        assertThat(masterPid).as("Postfix master started; log: %s", log()).isPositive();
        // Listening: its smtpd greets.
        until = System.nanoTime() + STEP.toNanos();
        while (true) {
            try (var probe = new java.net.Socket(ADDRESS, port)) {
                probe.setSoTimeout(5000);
                if (probe.getInputStream().read() == '2') break;
            } catch (IOException e) {
                if (System.nanoTime() > until) throw new AssertionError("Postfix does not listen; log: " + log(), e);
                Thread.sleep(20); // polling a port with a deadline
            }
        }
    }

    /** SIGTERM to the master's PID (it ends its children), SIGKILL to what is left of the tree. */
    private void stopPostfix() throws InterruptedException {
        var master = ProcessHandle.of(masterPid);
        if (master.isEmpty()) return;
        List<ProcessHandle> children = master.get().descendants().toList();
        master.get().destroy();
        try {
            master.get().onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            master.get().destroyForcibly();
        }
        for (ProcessHandle child : children) {
            if (child.isAlive()) child.destroyForcibly();
        }
        masterPid = -1;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
        return out;
    }

    private static void runQuietly(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.waitFor(30, TimeUnit.SECONDS);
    }
}
